import { IsString, MaxLength } from 'class-validator';
import { IsAcceptablePassword } from './password.validator.js';

// The type check sits nearest the field: decorators apply bottom-up, the first error wins.
export class ChangePasswordDto {
  /** @example "correct horse battery staple" */
  @MaxLength(128)
  @IsString()
  current_password: string;

  /** 8–128 characters, not a common password, not containing your email address or names. @example "a brand new kitchen passphrase" */
  @IsAcceptablePassword()
  new_password: string;
}

export class DeleteAccountDto {
  /** The current password, to confirm. @example "correct horse battery staple" */
  @MaxLength(128)
  @IsString()
  password: string;
}
