import { createHash, randomBytes } from 'node:crypto';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { IsNull, LessThanOrEqual, MoreThan, Not, type Repository } from 'typeorm';
import { MfaChallenge } from './mfa-challenge.entity.js';

const LIFETIME_MS = 5 * 60 * 1000;
const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** The one writer of `mfa_challenges`: the `mfa_token` between the password and the second factor. */
@Injectable()
export class MfaChallengesService {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get challenges(): Repository<MfaChallenge> {
    return this.db.tx.getRepository(MfaChallenge);
  }

  /** A new `mfa_token` (256 random bits) for a password step that granted `scope`. */
  async issue(userId: number, scope: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    // The user's spent and expired ones go, so the table holds only live challenges.
    await this.challenges.delete([
      { userId, usedAt: Not(IsNull()) },
      { userId, expiresAt: LessThanOrEqual(now) },
    ]);
    await this.challenges.insert({
      userId,
      scope,
      tokenHash: sha256(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + LIFETIME_MS),
      usedAt: null,
    });
    return token;
  }

  /** The live, unused challenge `token` names, or null. */
  find(token: string): Promise<MfaChallenge | null> {
    return this.challenges.findOneBy({
      tokenHash: sha256(token),
      usedAt: IsNull(),
      expiresAt: MoreThan(new Date()),
    });
  }

  /** Marks the challenge used; false when another request used it first. */
  async spend(challenge: MfaChallenge): Promise<boolean> {
    const { affected } = await this.challenges.update(
      { id: challenge.id, usedAt: IsNull() },
      { usedAt: new Date() },
    );
    return affected === 1;
  }
}
