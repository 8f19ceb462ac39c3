import { createSecretKey, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService, type JwtModuleOptions } from '@nestjs/jwt';
import { SCOPES, type Scope } from '../common/decorators/scopes.decorator.js';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import type { User } from '../users/user.entity.js';

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
}

/** The scopes this user may hold right now: `users:admin` is for superusers only. */
export function allowedScopes(user: User): Scope[] {
  return user.isSuperuser ? [...SCOPES] : SCOPES.filter((scope) => scope !== 'users:admin');
}

/** Signing options: a KeyObject (jsonwebtoken parses a string secret on every call), pinned claims. */
export function jwtOptions(config: AuthConfig): JwtModuleOptions {
  return {
    secret: createSecretKey(Buffer.from(config.secret)),
    signOptions: {
      algorithm: config.algorithm,
      issuer: config.issuer,
      audience: config.audience,
      expiresIn: config.accessTokenMinutes * 60,
      header: { alg: config.algorithm, typ: ACCESS_TOKEN_TYP },
    },
  };
}

@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  get accessTokenSeconds(): number {
    return this.config.accessTokenMinutes * 60;
  }

  /** Signs an access token; algorithm, issuer, audience, lifetime and `typ` come from JwtModule. */
  signAccessToken(user: User, sessionId: string, scopes: Scope[]): Promise<string> {
    return this.jwt.signAsync({
      sub: String(user.id),
      type: ACCESS_TOKEN_TYPE,
      sid: sessionId,
      scope: scopes.join(' '),
      jti: randomUUID(),
    });
  }
}
