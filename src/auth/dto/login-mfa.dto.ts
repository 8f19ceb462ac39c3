import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** The second step of a login: the `mfa_token` of the password step and one code. */
export class LoginMfaDto {
  /** From the `mfa_required` answer of /auth/login; works once, for 5 minutes. @example Vb7Hq2Lm9Xc4Rt1Zp8Kd3Wn6Yf0Gs5Ja2Ue7Io4Pq9 */
  @IsString()
  @MaxLength(256)
  mfa_token: string;

  /** The 6-digit code the authenticator app shows now (or send `recovery_code`). @example "123456" */
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits the app shows' })
  code?: string;

  /** One of the recovery codes, in place of `code`; it works once. @example abcde-fghij */
  @IsOptional()
  @IsString()
  @MaxLength(32)
  recovery_code?: string;
}
