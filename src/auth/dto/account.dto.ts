import { IsEmail, IsString, MaxLength } from 'class-validator';
import { IsAcceptablePassword } from '../../users/dto/password.validator.js';

export class ForgotPasswordDto {
  /** The account's email address; the answer is the same whether or not it has an account. @example cook@example.com */
  @IsEmail()
  @MaxLength(320)
  email: string;
}

export class ResetPasswordDto {
  /** The `token` parameter of the link in the reset mail. @example Jm3fN0Yd2v1c8bV4oQ7sX9kT5wL6hR0aZ2eU8iP4yGc */
  @MaxLength(128)
  @IsString()
  token: string;

  /** 8–128 characters, used exactly as typed, not a common password. @example "a brand new kitchen passphrase" */
  @IsAcceptablePassword()
  new_password: string;
}

export class VerifyEmailDto {
  /** The `token` parameter of the link in the verification mail. @example Vq8rT2mK5xW9cE1nB4hJ7dL0sF3gY6pA2zU5iO8eR1t */
  @MaxLength(128)
  @IsString()
  token: string;
}

/** 202: the request was taken; what happens next arrives by mail. */
export class AcceptedDto {
  /** @example "If the address has an account, a reset link is on its way." */
  detail: string;
}
