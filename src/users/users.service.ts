import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { MoreThan, type Repository } from 'typeorm';
import { isConstraintViolation } from '../common/errors/database-errors.js';
import { DomainError, NotFoundError } from '../common/errors/domain.error.js';
import { decodeCursor, toPage, type Page } from '../common/pagination.js';
import type { AdminUpdateUserDto, UpdateProfileDto } from './dto/update-user.dto.js';
import type { ListUsersQueryDto } from './dto/list-users.dto.js';
import { UserDto } from './dto/user.dto.js';
import { PasswordService } from './password.service.js';
import { User } from './user.entity.js';
import {
  USER_DEACTIVATED,
  USER_DELETED,
  USER_PASSWORD_CHANGED,
  UserDeactivated,
  UserDeleted,
  UserPasswordChanged,
} from './user.events.js';

export interface NewUser {
  email: string;
  password: string;
  firstName?: string;
  surname?: string;
  isSuperuser?: boolean;
  emailVerified?: boolean;
}

export class EmailTakenError extends DomainError {
  constructor() {
    super(409, 'email-taken', 'An account with this email address already exists.');
  }
}

/** The one writer of the `users` table; what happens to an account is announced (user.events.ts). */
@Injectable()
export class UsersService {
  constructor(
    private readonly db: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly passwords: PasswordService,
    private readonly events: EventEmitter2,
  ) {}

  /** The table, in the caller's transaction when there is one. */
  private get users(): Repository<User> {
    return this.db.tx.getRepository(User);
  }

  async create(input: NewUser): Promise<User> {
    const user = this.users.create({
      email: input.email.toLowerCase(),
      hashedPassword: await this.passwords.hash(input.password),
      firstName: input.firstName ?? null,
      surname: input.surname ?? null,
      isSuperuser: input.isSuperuser ?? false,
      emailVerified: input.emailVerified ?? false,
    });
    try {
      return await this.users.save(user);
    } catch (error) {
      // The unique index decides races: of parallel signups with one email exactly one wins.
      if (isConstraintViolation(error, 'unique')) throw new EmailTakenError();
      throw error;
    }
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: email.toLowerCase() });
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  async get(id: number): Promise<User> {
    const user = await this.findById(id);
    if (!user) throw new NotFoundError('User');
    return user;
  }

  async list(query: ListUsersQueryDto): Promise<Page<UserDto>> {
    const after = decodeCursor(query.cursor);
    const rows = await this.users.find({
      where: {
        ...(after !== undefined && { id: MoreThan(after) }),
        ...(query.email !== undefined && { email: query.email.toLowerCase() }),
      },
      order: { id: 'ASC' },
      take: query.limit + 1,
    });
    return toPage(rows, query.limit, (user) => UserDto.from(user));
  }

  /**
   * Writes only the columns the request names: `user` may be stale (loaded when the token was
   * checked), and saving it whole would undo a concurrent demotion, deactivation or password change.
   */
  async update(user: User, changes: UpdateProfileDto | AdminUpdateUserDto): Promise<User> {
    const patch: Partial<Pick<User, 'firstName' | 'surname' | 'isSuperuser' | 'isActive'>> = {
      ...(changes.first_name !== undefined && { firstName: changes.first_name }),
      ...(changes.surname !== undefined && { surname: changes.surname }),
      ...('is_superuser' in changes &&
        changes.is_superuser !== undefined && { isSuperuser: changes.is_superuser }),
      ...('is_active' in changes &&
        changes.is_active !== undefined && { isActive: changes.is_active }),
    };
    if (Object.keys(patch).length > 0) {
      await this.db.withTransaction(async () => {
        const { affected } = await this.users.update({ id: user.id }, patch);
        if (!affected) throw new NotFoundError('User');
        if (patch.isActive === false) {
          await this.events.emitAsync(USER_DEACTIVATED, new UserDeactivated(user.id));
        }
      });
    }
    return this.get(user.id);
  }

  /** Stores a new hash of the same password (a stronger argon2 setting): nothing else changes. */
  async rehashPassword(user: User, password: string): Promise<void> {
    user.hashedPassword = await this.passwords.hash(password);
    await this.users.update({ id: user.id }, { hashedPassword: user.hashedPassword });
  }

  /**
   * Sets a new password and announces it, in one transaction: every session but `keepSessionId`
   * ends and reset links still out are voided (whoever reads the mail could undo the change) with
   * it or not at all. Callers confirm the current password or spend a reset link first.
   */
  async changePassword(user: User, next: string, keepSessionId?: string): Promise<void> {
    await this.setHashedPassword(user, await this.hashPassword(next), keepSessionId);
  }

  /** An argon2 hash of `password`: slow, so made before a transaction opens, never inside one. */
  hashPassword(password: string): Promise<string> {
    return this.passwords.hash(password);
  }

  /** `changePassword` with the new password hashed already (hashPassword). */
  async setHashedPassword(
    user: User,
    hashedPassword: string,
    keepSessionId?: string,
  ): Promise<void> {
    await this.db.withTransaction(async () => {
      await this.users.update({ id: user.id }, { hashedPassword });
      await this.events.emitAsync(
        USER_PASSWORD_CHANGED,
        new UserPasswordChanged(user.id, keepSessionId),
      );
    });
    user.hashedPassword = hashedPassword;
  }

  /** Following a mailed link proves the address. */
  async markEmailVerified(id: number): Promise<void> {
    await this.users.update({ id, emailVerified: false }, { emailVerified: true });
  }

  async remove(id: number): Promise<void> {
    await this.db.withTransaction(async () => {
      const { affected } = await this.users.delete({ id });
      if (!affected) throw new NotFoundError('User');
      await this.events.emitAsync(USER_DELETED, new UserDeleted(id));
    });
  }
}
