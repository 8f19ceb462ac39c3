import { IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';
import { HasNoContextWords, IsAcceptablePassword } from '../../users/dto/password.validator.js';

export class SignupDto {
  /** Case-insensitive: stored lower-cased. @example cook@example.com */
  @IsEmail()
  @MaxLength(320)
  email: string;

  /** 8–128 characters, used exactly as typed, not a common password, not containing the email or names. @example "correct horse battery staple" */
  @HasNoContextWords()
  @IsAcceptablePassword()
  password: string;

  /** @example Ada */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  first_name?: string;

  /** @example Lovelace */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  surname?: string;
}
