import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository, type EntityManager } from 'typeorm';
import { ValidationError } from '../common/errors/domain.error.js';
import { OneTimeToken, type OneTimeTokenPurpose } from './one-time-token.entity.js';

const MINUTE_MS = 60_000;

/** How long a mailed token works. */
export const TOKEN_LIFETIME_MS: Record<OneTimeTokenPurpose, number> = {
  password_reset: 30 * MINUTE_MS,
  email_verification: 24 * 60 * MINUTE_MS,
};

/** The one answer for an unknown, used, superseded or expired token: they are not told apart. */
export class InvalidOneTimeTokenError extends ValidationError {
  constructor() {
    super([
      {
        field: 'token',
        message: 'this link is invalid, expired or already used; request a new one',
      },
    ]);
  }
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** Spends the user's unused tokens of this purpose, so no link mailed before `now` works any more. */
export async function retireOneTimeTokens(
  manager: EntityManager,
  userId: number,
  purpose: OneTimeTokenPurpose,
  now = new Date(),
): Promise<void> {
  await manager.update(OneTimeToken, { userId, purpose, usedAt: IsNull() }, { usedAt: now });
}

/**
 * Single-use tokens for mailed links: 256 random bits, stored only as SHA-256 (a database
 * leak yields no usable link), one live token per user and purpose.
 */
@Injectable()
export class OneTimeTokensService {
  constructor(@InjectRepository(OneTimeToken) private readonly tokens: Repository<OneTimeToken>) {}

  /**
   * Makes a new token and retires the user's older unused ones of that purpose. Without a user
   * the same statements run and store nothing, so callers take the same time either way.
   */
  async issue(userId: number | null, purpose: OneTimeTokenPurpose): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.tokens.manager.transaction(async (manager) => {
      await retireOneTimeTokens(manager, userId ?? 0, purpose, now);
      if (userId === null) return;
      await manager.insert(OneTimeToken, {
        userId,
        purpose,
        tokenHash: sha256(token),
        expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]),
        usedAt: null,
      });
    });
    return token;
  }

  /**
   * Spends a token and returns its user id; throws InvalidOneTimeTokenError when it is unknown,
   * of another purpose, used or expired. The conditional update makes a race spend it once.
   */
  async consume(
    token: string,
    purpose: OneTimeTokenPurpose,
    manager: EntityManager = this.tokens.manager,
  ): Promise<number> {
    const now = new Date();
    const live = { tokenHash: sha256(token), purpose, usedAt: IsNull(), expiresAt: MoreThan(now) };
    const found = await manager.findOneBy(OneTimeToken, live);
    if (!found) throw new InvalidOneTimeTokenError();
    const { affected } = await manager.update(
      OneTimeToken,
      { id: found.id, ...live },
      { usedAt: now },
    );
    if (affected !== 1) throw new InvalidOneTimeTokenError();
    return found.userId;
  }
}
