import { Type } from 'class-transformer';
import {
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PublicKeyCredentialDto } from '../../mfa/dto/passkey.dto.js';

/** The second step of a login: the `mfa_token` of the password step and one code, or a passkey. */
export class LoginMfaDto {
  /** From the `mfa_required` answer of /auth/login; works once, for 5 minutes. @example Vb7Hq2Lm9Xc4Rt1Zp8Kd3Wn6Yf0Gs5Ja2Ue7Io4Pq9 */
  @IsString()
  @MaxLength(256)
  mfa_token: string;

  /** The 6-digit code the authenticator app shows now (or send `recovery_code`, or a passkey). @example "123456" */
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits the app shows' })
  code?: string;

  /** One of the recovery codes, in place of `code`; it works once. @example abcde-fghij */
  @IsOptional()
  @IsString()
  @MaxLength(32)
  recovery_code?: string;

  /**
   * With `passkey`, in place of a code: the `challenge_id` of POST /auth/passkeys/login/options.
   */
  @ValidateIf((dto: LoginMfaDto) => dto.passkey !== undefined || dto.challenge_id !== undefined)
  @IsString()
  @MaxLength(32)
  challenge_id?: string;

  /** In place of a code: the answer of navigator.credentials.get() to those options; the passkey must be the account's. */
  @IsOptional()
  @ValidateNested()
  @Type(() => PublicKeyCredentialDto)
  passkey?: PublicKeyCredentialDto;
}
