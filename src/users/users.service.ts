import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { isConstraintViolation } from '../common/errors/database-errors.js';
import { retireOneTimeTokens } from '../auth/one-time-tokens.service.js';
import { SessionsService } from '../auth/sessions.service.js';
import { DomainError, NotFoundError } from '../common/errors/domain.error.js';
import { decodeCursor, toPage, type Page } from '../common/pagination.js';
import type { AdminUpdateUserDto, UpdateProfileDto } from './dto/update-user.dto.js';
import type { ListUsersQueryDto } from './dto/list-users.dto.js';
import { UserDto } from './dto/user.dto.js';
import { PasswordService } from './password.service.js';
import { User } from './user.entity.js';

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

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
  ) {}

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

  async get(id: number): Promise<User> {
    const user = await this.users.findOneBy({ id });
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
      const { affected } = await this.users.update({ id: user.id }, patch);
      if (!affected) throw new NotFoundError('User');
    }
    if (patch.isActive === false) await this.sessions.revokeAll(user.id);
    return this.get(user.id);
  }

  async setPassword(user: User, password: string): Promise<void> {
    user.hashedPassword = await this.passwords.hash(password);
    await this.users.update({ id: user.id }, { hashedPassword: user.hashedPassword });
  }

  /**
   * Sets a new password, ends every session but `keepSessionId`, and voids any reset link still
   * out (it would undo the change: whoever reads the mail could set a password of their own).
   * Callers confirm the current password first (CredentialsService).
   */
  async changePassword(user: User, keepSessionId: string, next: string): Promise<void> {
    await this.setPassword(user, next);
    await this.sessions.revokeAll(user.id, keepSessionId);
    await retireOneTimeTokens(this.users.manager, user.id, 'password_reset');
  }

  async remove(id: number): Promise<void> {
    const { affected } = await this.users.delete({ id });
    if (!affected) throw new NotFoundError('User');
  }
}
