import { randomBytes } from 'node:crypto';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { IsNull, LessThanOrEqual, MoreThan, type Repository } from 'typeorm';
import { PasskeyChallenge, type PasskeyCeremony } from './passkey-challenge.entity.js';

/** How long a ceremony's options stay good; also the `timeout` the browser is given. */
export const PASSKEY_CHALLENGE_MS = 5 * 60 * 1000;

/** The one writer of `passkey_challenges`: each WebAuthn challenge is stored, then taken once. */
@Injectable()
export class PasskeyChallengesService {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get challenges(): Repository<PasskeyChallenge> {
    return this.db.tx.getRepository(PasskeyChallenge);
  }

  /**
   * Stores `challenge` for a ceremony and answers its id. Expired challenges go, and so does a
   * registration the user started before: only the latest options can be answered.
   */
  async issue(
    ceremony: PasskeyCeremony,
    userId: number | null,
    challenge: string,
  ): Promise<string> {
    const now = new Date();
    await this.challenges.delete({ expiresAt: LessThanOrEqual(now) });
    if (userId !== null) await this.challenges.delete({ userId, ceremony });
    const id = randomBytes(16).toString('base64url');
    await this.challenges.insert({
      id,
      ceremony,
      userId,
      challenge,
      createdAt: now,
      expiresAt: new Date(now.getTime() + PASSKEY_CHALLENGE_MS),
    });
    return id;
  }

  /**
   * Takes a live challenge of `ceremony` (by its id, or the user's registration) and deletes it:
   * null when there is none, or another request took it first.
   */
  async take(
    ceremony: PasskeyCeremony,
    by: { id: string } | { userId: number },
  ): Promise<string | null> {
    const found = await this.challenges.findOneBy({
      ceremony,
      ...('id' in by ? { id: by.id, userId: IsNull() } : { userId: by.userId }),
      expiresAt: MoreThan(new Date()),
    });
    if (!found) return null;
    const { affected } = await this.challenges.delete({ id: found.id });
    return affected === 1 ? found.challenge : null;
  }
}
