import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../common/errors/domain.error.js';
import { ATTEMPT_LIMITER } from '../common/throttling/rate-limit-storage.js';

export const CODES_LOCKED = 'Too many wrong codes for this account: try again later.';

/**
 * Wrong second-factor codes per account, on the limiter of the wrong-password count
 * (LOGIN_MAX_FAILURES per LOGIN_FAILURE_WINDOW_MINUTES, in Redis with REDIS_URL) under a key of
 * its own: every route that checks a code (confirm, login) shares it, whatever the IP.
 */
@Injectable()
export class OtpAttemptsService {
  constructor(@Inject(ATTEMPT_LIMITER) private readonly limiter: RateLimiterAbstract) {}

  /** Counts this attempt before the code is checked (parallel guesses cannot slip past); 429 past the limit. */
  async begin(userId: number): Promise<void> {
    try {
      await this.limiter.consume(key(userId));
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      throw new TooManyRequestsError(
        Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)),
        CODES_LOCKED,
      );
    }
  }

  /** A right code: the count starts again. */
  async clear(userId: number): Promise<void> {
    await this.limiter.delete(key(userId));
  }
}

const key = (userId: number) => createHash('sha256').update(`otp:${userId}`).digest('base64url');
