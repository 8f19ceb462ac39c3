import { createHash, randomBytes } from 'node:crypto';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { IsNull, MoreThan, type Repository } from 'typeorm';
import { ValidationError } from '../common/errors/domain.error.js';
import { USER_PASSWORD_CHANGED, type UserPasswordChanged } from '../users/user.events.js';
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

/**
 * The one writer of `one_time_tokens`. Single-use tokens for mailed links: 256 random bits,
 * stored only as SHA-256 (a database leak yields no usable link), one live token per user and purpose.
 */
@Injectable()
export class OneTimeTokensService {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** The table, in the caller's transaction when there is one. */
  private get tokens(): Repository<OneTimeToken> {
    return this.db.tx.getRepository(OneTimeToken);
  }

  /**
   * Makes a new token and retires the user's older unused ones of that purpose. Without a user
   * the same statements run and store nothing, so callers take the same time either way.
   */
  async issue(userId: number | null, purpose: OneTimeTokenPurpose): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.db.withTransaction(async () => {
      await this.retire(userId ?? 0, purpose, now);
      if (userId === null) return;
      await this.tokens.insert({
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
  async consume(token: string, purpose: OneTimeTokenPurpose): Promise<number> {
    const now = new Date();
    const live = { tokenHash: sha256(token), purpose, usedAt: IsNull(), expiresAt: MoreThan(now) };
    const found = await this.tokens.findOneBy(live);
    if (!found) throw new InvalidOneTimeTokenError();
    const { affected } = await this.tokens.update({ id: found.id, ...live }, { usedAt: now });
    if (affected !== 1) throw new InvalidOneTimeTokenError();
    return found.userId;
  }

  /** The user id of a live token of this purpose, or null; spends nothing. */
  async userOf(token: string, purpose: OneTimeTokenPurpose): Promise<number | null> {
    const found = await this.tokens.findOneBy({
      tokenHash: sha256(token),
      purpose,
      usedAt: IsNull(),
      expiresAt: MoreThan(new Date()),
    });
    return found?.userId ?? null;
  }

  // A reset link still out would undo a password change: whoever reads the mail could set their own.
  @OnEvent(USER_PASSWORD_CHANGED, { suppressErrors: false })
  async onPasswordChanged({ userId }: UserPasswordChanged): Promise<void> {
    await this.retire(userId, 'password_reset');
  }

  /** Spends the user's unused tokens of this purpose, so no link mailed before `now` works any more. */
  private async retire(
    userId: number,
    purpose: OneTimeTokenPurpose,
    now = new Date(),
  ): Promise<void> {
    await this.tokens.update({ userId, purpose, usedAt: IsNull() }, { usedAt: now });
  }
}
