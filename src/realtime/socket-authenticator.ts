import { Inject, Injectable } from '@nestjs/common';
import { errors } from 'jose';
import { JwtStrategy, accessTokenVerifier } from '../auth/strategies/jwt.strategy.js';
import type { VerifiedJwt } from '../auth/strategies/bearer-jwt.strategy.js';
import { UnauthenticatedError } from '../common/errors/domain.error.js';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import { SessionsService } from '../sessions/sessions.service.js';

/** Who is on a socket, and until when (epoch ms): the expiry of the access token it showed. */
export interface SocketPrincipal {
  userId: number;
  sessionId: string;
  expiresAt: number;
}

/** A socket's credentials were refused: its close reason (4401) says why. */
export class SocketAuthenticationError extends Error {}

/** Longer than any access token this API issues; a longer one is not read. */
const MAX_TOKEN_LENGTH = 4096;

/**
 * Checks an access token as the HTTP routes do (the same verifier and JwtStrategy.validate: typ,
 * type, claims, then the live session and user), for a socket.
 */
@Injectable()
export class SocketAuthenticator {
  private readonly verify: (token: string) => Promise<VerifiedJwt>;

  constructor(
    @Inject(authConfig.KEY) config: AuthConfig,
    private readonly strategy: JwtStrategy,
    private readonly sessions: SessionsService,
  ) {
    this.verify = accessTokenVerifier(config);
  }

  async fromAccessToken(token: unknown): Promise<SocketPrincipal> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw new SocketAuthenticationError('An access token is required.');
    }
    let jwt: VerifiedJwt;
    try {
      jwt = await this.verify(token);
    } catch (error) {
      throw new SocketAuthenticationError(
        error instanceof errors.JWTExpired
          ? 'The access token has expired.'
          : 'The access token is invalid.',
      );
    }
    try {
      const { user, sessionId } = await this.strategy.validate(jwt);
      return { userId: user.id, sessionId, expiresAt: jwt.payload.exp! * 1000 };
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw new SocketAuthenticationError(error.message);
      throw error; // the database is unreachable, say: not the client's fault
    }
  }

  /** Whether the session is still live: its user exists and is active, it is not revoked or over. */
  async isLive({ sessionId, userId }: Pick<SocketPrincipal, 'sessionId' | 'userId'>) {
    return (await this.sessions.findLiveUser(sessionId, userId)) !== undefined;
  }
}
