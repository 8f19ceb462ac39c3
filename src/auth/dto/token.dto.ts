/** RFC 6749 §5.1 access token response. */
export class TokenDto {
  /** A JWT (`typ: at+jwt`) to send as `Authorization: Bearer …`. */
  access_token: string;
  /** @example bearer */
  token_type: 'bearer';
  /** Seconds until the access token expires. @example 1800 */
  expires_in: number;
  /** Opaque, single use: send it to /auth/refresh for the next pair of tokens. */
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
