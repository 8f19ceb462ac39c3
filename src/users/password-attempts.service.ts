import { Inject, Injectable } from '@nestjs/common';
import { AttemptStore, MemoryAttemptStore } from '../common/throttling/attempt-store.js';
import { TooManyRequestsError } from '../common/errors/domain.error.js';
import { rateLimitConfig, type RateLimitConfig } from '../config/configuration.js';

export type AccountMail = 'password-reset' | 'email-verification';

export const LOGINS_LOCKED = 'Too many failed logins for this account: try again later.';

/**
 * Per-account limits, whatever the source IP: wrong passwords (one count for every route that
 * checks one), and mails sent to one account. Keyed by the lower-cased email whether or not an
 * account has it, so a 429 reveals nothing. Not switched off by RATE_LIMIT_ENABLED: this one is
 * a security property, not load shaping.
 */
@Injectable()
export class PasswordAttemptsService {
  constructor(
    private readonly store: AttemptStore,
    @Inject(rateLimitConfig.KEY) private readonly config: RateLimitConfig,
  ) {}

  /**
   * Call before any password hashing. Counts this attempt as a failure until `clear` lifts it
   * (so parallel guesses cannot slip past the limit); refuses with 429 once LOGIN_MAX_FAILURES
   * fall within LOGIN_FAILURE_WINDOW_MINUTES.
   */
  async begin(email: string, locked = LOGINS_LOCKED): Promise<void> {
    await this.take(`login:${email.toLowerCase()}`, locked);
  }

  /** A correct password, or a new one set through the mailbox: the count starts again. */
  clear(email: string): Promise<void> {
    return this.store.clear(`login:${email.toLowerCase()}`);
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

  private async take(key: string, message: string): Promise<void> {
    const retryAfter = await this.store.take(
      key,
      this.config.loginMaxFailures,
      this.config.loginFailureWindowMs,
    );
    if (retryAfter > 0) throw new TooManyRequestsError(retryAfter, message);
  }
}

/** For unit-test modules without ThrottlingModule: the service on its own in-memory store. */
export const passwordAttemptsProviders = [
  PasswordAttemptsService,
  { provide: AttemptStore, useFactory: () => new MemoryAttemptStore() },
];
