import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { createSecretKey } from 'node:crypto';
import type { Jwt } from 'jsonwebtoken';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Principal } from '../../common/decorators/current-user.decorator.js';
import type { Scope } from '../../common/decorators/scopes.decorator.js';
import { UnauthenticatedError } from '../../common/errors/domain.error.js';
import { authConfig, type AuthConfig } from '../../config/configuration.js';
import { SessionsService } from '../sessions.service.js';
import {
  ACCESS_TOKEN_TYP,
  ACCESS_TOKEN_TYPE,
  allowedScopes,
  type AccessTokenClaims,
} from '../tokens.service.js';

// RFC 9068 §4: "at+jwt" or "application/at+jwt"; RFC 7515 §4.1.9: media types ignore case.
function isAccessTokenTyp(typ: unknown): boolean {
  return (
    typeof typ === 'string' && typ.toLowerCase().replace(/^application\//, '') === ACCESS_TOKEN_TYP
  );
}

/**
 * Verifies the bearer token (pinned algorithm, required exp, iss, aud, typ and type), then loads
 * its session and user in one query: a revoked session or a gone user is refused at once.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @Inject(authConfig.KEY) config: AuthConfig,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject skips jsonwebtoken's per-call key parsing (~50× faster than a string secret).
      secretOrKey: createSecretKey(Buffer.from(config.secret)) as unknown as string,
      algorithms: [config.algorithm],
      issuer: config.issuer,
      audience: config.audience,
      jsonWebTokenOptions: { complete: true },
    });
  }

  async validate({ header, payload }: Jwt): Promise<Principal> {
    const claims = payload as Partial<AccessTokenClaims>;
    if (
      !isAccessTokenTyp(header.typ) ||
      claims.type !== ACCESS_TOKEN_TYPE ||
      typeof claims.exp !== 'number' ||
      typeof claims.sid !== 'string' ||
      typeof claims.scope !== 'string' ||
      typeof claims.sub !== 'string' ||
      !/^\d{1,10}$/.test(claims.sub)
    ) {
      throw new UnauthenticatedError('The access token is not one this API issued.', true);
    }
    const session = await this.sessions.findLive(claims.sid, Number(claims.sub));
    if (!session?.user) {
      throw new UnauthenticatedError('The session of this token has ended.', true);
    }
    const allowed = allowedScopes(session.user);
    const scopes = claims.scope.split(' ').filter((s): s is Scope => allowed.includes(s as Scope));
    return { user: session.user, sessionId: session.id, scopes };
  }
}
