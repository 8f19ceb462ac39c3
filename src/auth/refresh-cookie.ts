import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isAllowedOrigin } from '../common/allowed-origin.js';
import { OAuthError } from '../common/errors/domain.error.js';
import { appConfig, authConfig, type AppConfig, type AuthConfig } from '../config/configuration.js';
import type { RefreshDto } from './dto/refresh.dto.js';
import type { TokenDto } from './dto/token.dto.js';

const COOKIE = 'refresh_token';
const PATH = '/api/v1/auth';

/**
 * SPA cookie mode (REFRESH_COOKIE=true): the refresh token also travels in an HttpOnly, Secure,
 * SameSite=Strict cookie scoped to the auth routes, out of reach of page scripts. The cookie is
 * set and read only for a request whose Origin is allowed; any other is served as without it.
 */
@Injectable()
export class RefreshCookie {
  constructor(
    @Inject(authConfig.KEY) private readonly auth: AuthConfig,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
  ) {}

  /** Sets the cookie from a token response (cookie mode, allowed Origin) and passes the response on. */
  attach(request: FastifyRequest, reply: FastifyReply, token: TokenDto): TokenDto {
    // Else a form on any site could plant its sender's session in the victim's browser (login CSRF).
    if (this.forOrigin(request)) {
      reply.setCookie(COOKIE, token.refresh_token, {
        httpOnly: true,
        secure: true,
        sameSite: 'strict',
        path: PATH,
        maxAge: this.auth.sessionDays * 24 * 60 * 60,
      });
    }
    return token;
  }

  /** Clears the cookie (cookie mode) whatever the Origin: clearing plants nothing, and logout needs the bearer token. */
  clear(reply: FastifyReply): void {
    if (this.auth.refreshCookie)
      reply.clearCookie(COOKIE, { path: PATH, secure: true, httpOnly: true, sameSite: 'strict' });
  }

  /** The token from the body, else (cookie mode) from the cookie of a request from an allowed origin. */
  read(request: FastifyRequest, dto: RefreshDto): string {
    if (dto.grant_type !== undefined && dto.grant_type !== 'refresh_token') {
      throw new OAuthError(
        'unsupported_grant_type',
        'Only grant_type=refresh_token is supported here.',
      );
    }
    if (dto.refresh_token) return dto.refresh_token;
    const cookie = this.auth.refreshCookie ? request.cookies[COOKIE] : undefined;
    if (!cookie) throw new OAuthError('invalid_request', 'refresh_token is required.');
    // The cookie rides along on any request to this path: only a page of an allowed origin may use it.
    if (!this.forOrigin(request)) {
      throw new OAuthError('invalid_request', 'A refresh from the cookie needs an allowed Origin.');
    }
    return cookie;
  }

  /** Cookie mode, and a page of an allowed origin sent the request (browsers send Origin on every POST). */
  private forOrigin(request: FastifyRequest): boolean {
    return this.auth.refreshCookie && isAllowedOrigin(request.headers.origin, this.app);
  }
}
