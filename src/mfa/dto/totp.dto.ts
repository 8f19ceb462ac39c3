import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

/** A new TOTP secret, shown this once: add it to an authenticator app, then confirm with a code. */
export class TotpEnrollmentDto {
  /** The shared secret in base32, for typing into the app by hand. @example JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP */
  secret: string;
  /** The same secret as an otpauth:// URI (SHA1, 6 digits, 30 s). @example otpauth://totp/Recipe%20API:cook%40example.com?issuer=Recipe%20API&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30 */
  otpauth_uri: string;
  /** The URI as a QR code: an SVG data URL for an `<img src>`. @example data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4= */
  qr_svg: string;
}

export class ConfirmTotpDto {
  /** The 6-digit code the authenticator app shows now. @example "123456" */
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits the app shows' })
  code: string;
}

/** Shown once: each code logs in once in place of an authenticator code. Store them somewhere safe. */
export class RecoveryCodesDto {
  /** @example ["abcde-fghij", "kmnpq-rstuv", "wxyz2-34567", "89abc-defgh", "ijkmn-pqrst", "uvwxy-z2345", "6789a-bcdef", "ghijk-mnpqr", "stuvw-xyz23", "45678-9abcd"] */
  @ApiProperty({ type: [String], minItems: 10, maxItems: 10 })
  recovery_codes: string[];
}

/** Which second factors an account has. */
export class MfaStatusDto {
  /** The enabled factors. @example ["totp"] */
  @ApiProperty({ type: [String], enum: ['totp', 'passkey'] })
  factors: ('totp' | 'passkey')[];
  /** Recovery codes not used yet. @example 10 */
  @ApiProperty({ type: 'integer' })
  recovery_codes_remaining: number;
}
