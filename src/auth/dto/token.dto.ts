import { ApiProperty } from '@nestjs/swagger';
/** RFC 6749 §5.1 access token response. */
export class TokenDto {
  /** A JWT (`typ: at+jwt`) to send as `Authorization: Bearer …`. @example eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl */
  access_token: string;
  /** @example bearer */
  token_type: 'bearer';
  /** Seconds until the access token expires. @example 1800 */
  @ApiProperty({ type: 'integer' })
  expires_in: number;
  /** Opaque, single use: send it to /auth/refresh for the next pair of tokens. @example Kq3Wm8Zp1Rt6Yv0Xc5Nb2Lh7Jg4Fd9Sa3Qe8Tu1Io6P */
  refresh_token: string;
  /** The scopes granted. @example "profile recipes:write" */
  scope: string;
}

/** RFC 6749 §5.2 error response of the token endpoint. */
export class OAuthErrorDto {
  /** @example invalid_grant */
  error: string;
  /** @example "Incorrect email or password." */
  error_description: string;
}
