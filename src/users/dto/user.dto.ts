import { ApiProperty } from '@nestjs/swagger';
import type { User } from '../user.entity.js';

/** A user as the API shows it: never a password or hash. */
export class UserDto {
  /** @example 1 */
  @ApiProperty({ type: 'integer' })
  id: number;
  /** @example cook@example.com */
  email: string;
  /** @example Ada */
  first_name: string | null;
  /** @example Lovelace */
  surname: string | null;
  /** @example false */
  is_superuser: boolean;
  /** @example true */
  is_active: boolean;
  /** @example false */
  email_verified: boolean;
  /** @example 2026-11-23T10:00:00.000Z */
  @ApiProperty({ format: 'date-time' })
  created_at: string;

  static from(user: User): UserDto {
    return {
      id: user.id,
      email: user.email,
      first_name: user.firstName,
      surname: user.surname,
      is_superuser: user.isSuperuser,
      is_active: user.isActive,
      email_verified: user.emailVerified,
      created_at: user.createdAt.toISOString(),
    };
  }
}
