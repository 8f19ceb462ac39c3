import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsOmittable } from '../../common/decorators/omittable.decorator.js';

// Decorators apply bottom-up and validation stops at the first error, so the type check sits
// nearest the field: `first_name: 123` is "must be a string", not a length error.
export class UpdateProfileDto {
  /** @example Ada */
  @IsOptional()
  @MaxLength(100)
  @IsString()
  first_name?: string;

  /** @example Lovelace */
  @IsOptional()
  @MaxLength(100)
  @IsString()
  surname?: string;
}

export class AdminUpdateUserDto extends UpdateProfileDto {
  /** @example false */
  @IsOmittable()
  @IsBoolean()
  is_superuser?: boolean;

  /** false deactivates the account and ends all of its sessions. @example true */
  @IsOmittable()
  @IsBoolean()
  is_active?: boolean;
}
