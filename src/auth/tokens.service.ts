import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import type { User } from '../users/user.entity.js';
import type { Scope } from './scope-policy.js';

export const ACCESS_TOKEN_TYPE = 'access_token';
export const ACCESS_TOKEN_TYP = 'at+jwt'; // RFC 9068 §2.1

export interface AccessTokenClaims {
  sub: string;
  type: string;
  sid: string;
  scope: string;
  iat: number;
  exp: number;
  jti: string;
  iss: string;
  aud: string;
  /** RFC 8176 methods of the session's authentication, e.g. ["pwd", "otp"]. */
  amr?: string[];
  /** When that authentication happened (OpenID Connect Core §2), in seconds; kept across refreshes. */
  auth_time?: number;
}

/** The session's authentication, carried by each of its access tokens. */
export interface TokenAuthentication {
  amr: string[];
  authTime: Date;
}

@Injectable()
export class TokensService {
  constructor(@Inject(authConfig.KEY) private readonly config: AuthConfig) {}

  get accessTokenSeconds(): number {
    return this.config.accessTokenMinutes * 60;
  }

  /**
   * Signs an access token with the configured algorithm and key (a KeyObject loaded once at start;
   * jose because jsonwebtoken has no EdDSA); asymmetric keys name themselves in `kid`.
   */
  signAccessToken(
    user: User,
    sessionId: string,
    scopes: Scope[],
    auth?: TokenAuthentication,
  ): Promise<string> {
    const { algorithm, keys, issuer, audience } = this.config;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      type: ACCESS_TOKEN_TYPE,
      sid: sessionId,
      scope: scopes.join(' '),
      ...(auth && { amr: auth.amr, auth_time: Math.floor(auth.authTime.getTime() / 1000) }),
    })
      .setProtectedHeader({
        alg: algorithm,
        typ: ACCESS_TOKEN_TYP,
        ...(keys.kid && { kid: keys.kid }),
      })
      .setSubject(String(user.id))
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + this.accessTokenSeconds)
      .setJti(randomUUID())
      .sign(keys.signingKey);
  }
}
