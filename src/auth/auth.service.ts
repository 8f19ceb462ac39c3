import { Inject, Injectable } from '@nestjs/common';
import { OAuthError } from '../common/errors/domain.error.js';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import { SCOPES, type Scope } from '../common/decorators/scopes.decorator.js';
import { CredentialsService } from '../users/credentials.service.js';
import { PasswordService } from '../users/password.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { TokenDto } from './dto/token.dto.js';
import { RefreshTokensService } from '../sessions/refresh-tokens.service.js';
import { SessionsService, type ClientInfo } from '../sessions/sessions.service.js';
import { allowedScopes, TokensService } from './tokens.service.js';

const BAD_CREDENTIALS = 'Incorrect email or password.';
const UNVERIFIED_EMAIL = 'The email address is not verified: follow the link in the verification mail first.';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly tokens: TokensService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly credentials: CredentialsService,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  /**
   * One answer whatever went wrong (unknown email, wrong password, inactive account); the
   * check itself, its timing and the per-account limit are CredentialsService.verify's.
   */
  async checkCredentials(email: string, password: string): Promise<User> {
    const user = await this.credentials.verify(email, password);
    if (!user) throw new OAuthError('invalid_grant', BAD_CREDENTIALS);
    if (this.config.requireVerifiedEmail && !user.emailVerified) throw new OAuthError('invalid_grant', UNVERIFIED_EMAIL);
    if (this.passwords.needsRehash(user.hashedPassword)) await this.users.rehashPassword(user, password);
    return user;
  }

  /** Starts a session and issues its tokens with the requested (or every allowed) scope. */
  async login(user: User, requestedScope: string | undefined, client: ClientInfo): Promise<TokenDto> {
    const scopes = this.grantScopes(user, requestedScope);
    const { session, refreshToken } = await this.refreshTokens.startSession(user.id, scopes.join(' '), client);
    return this.tokenResponse(user, session.id, scopes, refreshToken);
  }

  /** Rotates the refresh token; the new access token keeps the session's scopes the user still holds. */
  async refresh(refreshToken: string, client: ClientInfo): Promise<TokenDto> {
    const { session, refreshToken: successor } = await this.refreshTokens.rotate(refreshToken, client);
    const user = session.user!;
    const scopes = allowedScopes(user).filter((scope) => session.scope.split(' ').includes(scope));
    return this.tokenResponse(user, session.id, scopes, successor);
  }

  logout(sessionId: string): Promise<void> {
    return this.sessions.revoke(sessionId);
  }

  private async tokenResponse(user: User, sessionId: string, scopes: Scope[], refreshToken: string): Promise<TokenDto> {
    return {
      access_token: await this.tokens.signAccessToken(user, sessionId, scopes),
      token_type: 'bearer',
      expires_in: this.tokens.accessTokenSeconds,
      refresh_token: refreshToken,
      scope: scopes.join(' '),
    };
  }

  // RFC 6749 §3.3: unknown scopes are an error; allowed ones the user may not hold are left out.
  private grantScopes(user: User, requested: string | undefined): Scope[] {
    const allowed = allowedScopes(user);
    const names = requested?.split(' ').filter(Boolean) ?? [];
    if (names.length === 0) return allowed;
    const unknown = names.filter((name) => !(SCOPES as readonly string[]).includes(name));
    if (unknown.length > 0) throw new OAuthError('invalid_scope', `Unknown scope: ${unknown.join(' ')}.`);
    const granted = allowed.filter((scope) => names.includes(scope));
    if (granted.length === 0) throw new OAuthError('invalid_scope', 'None of the requested scopes can be granted to this account.');
    return granted;
  }
}
