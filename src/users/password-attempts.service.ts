import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ATTEMPT_LIMITER, attemptLimiter } from '../common/throttling/rate-limit-storage.js';
import { TooManyRequestsError } from '../common/errors/domain.error.js';
import { rateLimitConfig, type RateLimitConfig } from '../config/configuration.js';

export type AccountMail = 'password-reset' | 'email-verification';

export const LOGINS_LOCKED = 'Too many failed logins for this account: try again later.';

/**
 * Per-account limits, whatever the source IP: wrong passwords (one count for every route that
 * checks one), and mails sent to one account. Keyed by the lower-cased email whether or not an
 * account has it, so a 429 reveals nothing. Not switched off by RATE_LIMIT_ENABLED: this one is
 * a security property, not load shaping. LOGIN_MAX_FAILURES per LOGIN_FAILURE_WINDOW_MINUTES
 * (ThrottlingModule's limiter).
 */
@Injectable()
export class PasswordAttemptsService {
  constructor(@Inject(ATTEMPT_LIMITER) private readonly limiter: RateLimiterAbstract) {}

  /**
   * Call before any password hashing. Counts this attempt as a failure until `clear` lifts it
   * (so parallel guesses cannot slip past the limit); refuses with 429 once LOGIN_MAX_FAILURES
   * fall within LOGIN_FAILURE_WINDOW_MINUTES.
   */
  async begin(email: string, locked = LOGINS_LOCKED): Promise<void> {
    await this.take(`login:${email.toLowerCase()}`, locked);
  }

  /** A correct password, or a new one set through the mailbox: the count starts again. */
  async clear(email: string): Promise<void> {
    await this.limiter.delete(key(`login:${email.toLowerCase()}`));
  }

  /**
   * Counts one mail of this kind to `email` (call before looking the account up); refuses with
   * 429 past LOGIN_MAX_FAILURES such mails within LOGIN_FAILURE_WINDOW_MINUTES.
   */
  async countMail(kind: AccountMail, email: string): Promise<void> {
    await this.take(
      `mail:${kind}:${email.toLowerCase()}`,
      'Too many mails for this account: try again later.',
    );
  }

  private async take(name: string, message: string): Promise<void> {
    try {
      await this.limiter.consume(key(name));
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      throw new TooManyRequestsError(Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)), message);
    }
  }
}

// Hashed: an account's email address has no business in Redis (nor in its SCAN output).
function key(name: string): string {
  return createHash('sha256').update(name).digest('base64url');
}

/** For unit-test modules without ThrottlingModule: the service on an in-memory limiter. */
export const passwordAttemptsProviders = [
  PasswordAttemptsService,
  {
    provide: ATTEMPT_LIMITER,
    inject: [rateLimitConfig.KEY],
    useFactory: (config: RateLimitConfig) =>
      attemptLimiter(config.loginMaxFailures, config.loginFailureWindowMs),
  },
];
