import { IsString, MaxLength } from 'class-validator';
import { IsAcceptablePassword } from './password.validator.js';

export class ChangePasswordDto {
  @IsString()
  @MaxLength(128)
  current_password: string;

  /** 8–128 characters, not a common password. */
  @IsAcceptablePassword()
  new_password: string;
}

export class DeleteAccountDto {
  /** The current password, to confirm. */
  @IsString()
  @MaxLength(128)
  password: string;
}
