import { Transactional } from '@nestjs-cls/transactional';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import {
  authConfig,
  mailConfig,
  type AuthConfig,
  type MailConfig,
} from '../config/configuration.js';
import { MailService } from '../mail/mail.service.js';
import { assertNoContextWords } from '../users/dto/password.validator.js';
import { PasswordAttemptsService } from '../users/password-attempts.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { emailVerificationMail, frontendLink, passwordResetMail } from './account-mails.js';
import type { AcceptedDto } from './dto/account.dto.js';
import type { SignupDto } from './dto/signup.dto.js';
import { InvalidOneTimeTokenError, OneTimeTokensService } from './one-time-tokens.service.js';

export const RESET_REQUESTED = 'If the address has an account, a reset link is on its way.';
export const VERIFICATION_REQUESTED = 'A verification link is on its way to your email address.';
export const ALREADY_VERIFIED = 'Your email address is already verified; no mail was sent.';

/** Password reset and email verification through mailed single-use links. */
@Injectable()
export class AccountService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(AccountService.name);
  private readonly background = new Set<Promise<void>>();

  constructor(
    private readonly users: UsersService,
    private readonly tokens: OneTimeTokensService,
    private readonly mail: MailService,
    @Inject(mailConfig.KEY) private readonly config: MailConfig,
    private readonly attempts: PasswordAttemptsService,
    @Inject(authConfig.KEY) private readonly auth: AuthConfig,
  ) {}

  /** With REQUIRE_VERIFIED_EMAIL the new account is mailed its verification link at once. */
  async signup(dto: SignupDto): Promise<User> {
    const user = await this.users.create({
      email: dto.email,
      password: dto.password,
      firstName: dto.first_name,
      surname: dto.surname,
    });
    if (this.auth.requireVerifiedEmail) await this.requestEmailVerification(user);
    return user;
  }

  /**
   * Counts the mail (the same for every address) and answers at once: the account lookup, the
   * token and the mail happen after the answer, so neither the body nor its timing tells
   * whether the address has an (active) account.
   */
  async requestPasswordReset(email: string): Promise<AcceptedDto> {
    await this.attempts.countMail('password-reset', email);
    this.afterAnswer('A password reset request', () => this.mailResetLink(email));
    return { detail: RESET_REQUESTED };
  }

  /**
   * Spends the token, sets the password (which ends every session) and marks the address
   * verified — following the link proves it — in one transaction; then lifts the account's
   * failed-password lockout: the owner proved the mailbox, so a lockout someone else caused lasts
   * no longer than a reset. The link and the password are checked, and the password hashed,
   * before anything is written: a refused password leaves the link working.
   */
  async resetPassword(token: string, newPassword: string): Promise<void> {
    const userId = await this.tokens.userOf(token, 'password_reset');
    const user = userId === null ? null : await this.users.findById(userId);
    if (!user?.isActive) throw new InvalidOneTimeTokenError();
    assertNoContextWords(newPassword, user, 'new_password');
    await this.spendResetLink(token, user, await this.users.hashPassword(newPassword));
    await this.attempts.clear(user.email);
  }

  @Transactional()
  private async spendResetLink(token: string, user: User, hashedPassword: string): Promise<void> {
    await this.tokens.consume(token, 'password_reset'); // another request may have spent it since
    // …or deactivated the account while the password was hashed.
    if (!(await this.users.findById(user.id))?.isActive) throw new InvalidOneTimeTokenError();
    await this.users.setHashedPassword(user, hashedPassword);
    await this.users.markEmailVerified(user.id);
  }

  async requestEmailVerification(user: User): Promise<AcceptedDto> {
    if (user.emailVerified) return { detail: ALREADY_VERIFIED };
    await this.attempts.countMail('email-verification', user.email);
    const token = await this.tokens.issue(user.id, 'email_verification');
    this.mail.send(
      emailVerificationMail(
        user.email,
        frontendLink(this.config.frontendUrl, 'verify-email', token),
      ),
    );
    return { detail: VERIFICATION_REQUESTED };
  }

  /** Spends the token and marks the address verified, in one transaction. */
  @Transactional()
  async verifyEmail(token: string): Promise<void> {
    await this.users.markEmailVerified(await this.tokens.consume(token, 'email_verification'));
  }

  /** Background work started by answers still running finishes before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.settled();
  }

  /** Resolves once the background work started so far is done. */
  async settled(): Promise<void> {
    await Promise.all(this.background);
  }

  private async mailResetLink(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    const account = user?.isActive ? user : null;
    const token = await this.tokens.issue(account?.id ?? null, 'password_reset');
    if (account) {
      const link = frontendLink(this.config.frontendUrl, 'reset-password', token);
      this.mail.send(passwordResetMail(account.email, link));
    }
  }

  /** Runs `task` once the current answer is out (setImmediate); failures are logged, never thrown. */
  private afterAnswer(what: string, task: () => Promise<void>): void {
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(task)
      .catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.logger.error(`${what} failed: ${reason}`);
      })
      .finally(() => this.background.delete(run));
    this.background.add(run);
  }
}
