import { Injectable } from '@nestjs/common';
import { ValidationError } from '../common/errors/domain.error.js';
import { assertNoContextWords } from './dto/password.validator.js';
import { PasswordAttemptsService } from './password-attempts.service.js';
import { PasswordService } from './password.service.js';
import type { User } from './user.entity.js';
import { UsersService } from './users.service.js';

const PASSWORDS_LOCKED = 'Too many wrong passwords for this account: try again later.';

/**
 * Every check of a user's password (login, password change, account deletion) goes through
 * `verify`, so one per-account count of wrong passwords limits them all: a stolen access token
 * is no better a guessing oracle than the login form.
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly attempts: PasswordAttemptsService,
  ) {}

  /**
   * The active account `email` names when `password` is its password, else null. A locked
   * account is refused with 429 before any hashing; otherwise one argon2 verify whatever went
   * wrong (unknown email, wrong password, inactive account), so its time tells nothing apart.
   */
  async verify(email: string, password: string, locked?: string): Promise<User | null> {
    await this.attempts.begin(email, locked);
    const user = await this.users.findByEmail(email);
    if (!user?.isActive) {
      await this.passwords.verifyNothing(password);
      return null;
    }
    if (!(await this.passwords.verify(user.hashedPassword, password))) return null;
    await this.attempts.clear(email);
    return user;
  }

  /** Changes the password once the current one is confirmed; every other session ends. */
  async changePassword(
    user: User,
    sessionId: string,
    current: string,
    next: string,
  ): Promise<void> {
    assertNoContextWords(next, user, 'new_password');
    await this.confirm(user, current, 'current_password');
    await this.users.changePassword(user, next, sessionId);
  }

  /** Deletes the account once its password is confirmed; sessions and recipes go with it. */
  async deleteOwnAccount(user: User, password: string): Promise<void> {
    await this.confirm(user, password, 'password');
    await this.users.remove(user.id);
  }

  private async confirm(user: User, password: string, field: string): Promise<void> {
    const confirmed = await this.verify(user.email, password, PASSWORDS_LOCKED);
    if (confirmed?.id !== user.id) {
      throw new ValidationError([{ field, message: 'the password is not correct' }]);
    }
  }
}
