import { Inject, Injectable } from '@nestjs/common';
import { OAuthError } from '../common/errors/domain.error.js';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import { CredentialsService } from '../users/credentials.service.js';
import { PasswordService } from '../users/password.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { LoginDto } from './dto/login.dto.js';
import type { TokenDto } from './dto/token.dto.js';
import { RefreshTokensService } from '../sessions/refresh-tokens.service.js';
import { SessionsService, type ClientInfo } from '../sessions/sessions.service.js';
import { grantScopes, narrowScopes, type Scope } from './scope-policy.js';
import { TokensService } from './tokens.service.js';

const BAD_CREDENTIALS = 'Incorrect email or password.';
const UNVERIFIED_EMAIL =
  'The email address is not verified: follow the link in the verification mail first.';

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

  /** The password grant: checks the credentials, grants the scopes, starts a session and issues its tokens. */
  async login({ username, password, scope }: LoginDto, client: ClientInfo): Promise<TokenDto> {
    const user = await this.checkCredentials(username, password);
    const scopes = grantScopes(user, scope);
    const { session, refreshToken } = await this.refreshTokens.startSession(
      user.id,
      scopes.join(' '),
      client,
    );
    return this.tokenResponse(user, session.id, scopes, refreshToken);
  }

  /** Rotates the refresh token; the new access token keeps the session's scopes the user still holds. */
  async refresh(refreshToken: string, client: ClientInfo): Promise<TokenDto> {
    const { session, refreshToken: successor } = await this.refreshTokens.rotate(
      refreshToken,
      client,
    );
    const user = session.user!;
    const scopes = narrowScopes(user, session.scope);
    return this.tokenResponse(user, session.id, scopes, successor);
  }

  logout(sessionId: string): Promise<void> {
    return this.sessions.revoke(sessionId);
  }

  /**
   * One answer whatever went wrong (unknown email, wrong password, inactive account); the
   * check itself, its timing and the per-account limit are CredentialsService.verify's.
   */
  private async checkCredentials(email: string, password: string): Promise<User> {
    const user = await this.credentials.verify(email, password);
    if (!user) throw new OAuthError('invalid_grant', BAD_CREDENTIALS);
    if (this.config.requireVerifiedEmail && !user.emailVerified)
      throw new OAuthError('invalid_grant', UNVERIFIED_EMAIL);
    if (this.passwords.needsRehash(user.hashedPassword))
      await this.users.rehashPassword(user, password);
    return user;
  }

  private async tokenResponse(
    user: User,
    sessionId: string,
    scopes: Scope[],
    refreshToken: string,
  ): Promise<TokenDto> {
    return {
      access_token: await this.tokens.signAccessToken(user, sessionId, scopes),
      token_type: 'bearer',
      expires_in: this.tokens.accessTokenSeconds,
      refresh_token: refreshToken,
      scope: scopes.join(' '),
    };
  }
}
