import { Inject, Injectable } from '@nestjs/common';
import { OAuthError, ValidationError } from '../common/errors/domain.error.js';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import { CredentialsService } from '../users/credentials.service.js';
import { PasswordService } from '../users/password.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { MfaChallengesService } from '../mfa/mfa-challenges.service.js';
import { MfaService } from '../mfa/mfa.service.js';
import { PasskeysService } from '../mfa/passkeys.service.js';
import type { PasskeyLoginDto } from '../mfa/dto/passkey.dto.js';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { LoginDto } from './dto/login.dto.js';
import type { LoginMfaDto } from './dto/login-mfa.dto.js';
import { MfaRequiredError } from './mfa-required.error.js';
import type { TokenDto } from './dto/token.dto.js';
import { RefreshTokensService } from '../sessions/refresh-tokens.service.js';
import type { Session } from '../sessions/session.entity.js';
import { SessionsService, type ClientInfo } from '../sessions/sessions.service.js';
import { grantScopes, narrowScopes, withoutUnprovenAdmin, type Scope } from './scope-policy.js';
import { TokensService } from './tokens.service.js';

const BAD_CREDENTIALS = 'Incorrect email or password.';
const BAD_MFA_TOKEN = 'The mfa_token is invalid, expired or used: log in with the password again.';
const WRONG_CODE = 'The code is not correct, or was used already.';
const ADMIN_NEEDS_FACTOR =
  'users:admin needs a login with a second factor: enroll an authenticator app first.';
const PASSKEY_REFUSED = 'The passkey is not registered, or its answer is not valid.';
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
    private readonly mfa: MfaService,
    private readonly mfaChallenges: MfaChallengesService,
    private readonly passkeys: PasskeysService,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  /** The password grant: checks the credentials, grants the scopes, starts a session and issues its tokens. */
  async login({ username, password, scope }: LoginDto, client: ClientInfo): Promise<TokenDto> {
    const user = await this.checkCredentials(username, password);
    const granted = grantScopes(user, scope);
    if (await this.mfa.hasFactor(user.id)) {
      throw new MfaRequiredError(await this.mfaChallenges.issue(user.id, granted.join(' ')));
    }
    const scopes = withoutUnprovenAdmin(granted, ['pwd'], this.config.mfaRequiredForSuperusers);
    if (scopes.length === 0) throw new OAuthError('invalid_scope', ADMIN_NEEDS_FACTOR);
    const { session, refreshToken } = await this.refreshTokens.startSession(
      user.id,
      scopes.join(' '),
      client,
    );
    return this.tokenResponse(user, session, scopes, refreshToken);
  }

  /**
   * The second step of a login with a second factor: the `mfa_token` of the password step (live,
   * unused) and a code, or the account's passkey; the session it starts authenticated with both
   * (`amr: ["pwd", "otp"]` or `["pwd", "hwk"]`).
   */
  async loginWithSecondFactor(dto: LoginMfaDto, client: ClientInfo): Promise<TokenDto> {
    const challenge = await this.mfaChallenges.find(dto.mfa_token);
    const user = challenge && (await this.users.findById(challenge.userId));
    if (!challenge || !user?.isActive) throw new OAuthError('invalid_grant', BAD_MFA_TOKEN);
    const method = dto.passkey ? 'hwk' : 'otp';
    if (dto.passkey) {
      if (dto.code !== undefined || dto.recovery_code !== undefined) {
        throw new ValidationError([
          { field: 'passkey', message: 'send a passkey or a code, not both' },
        ]);
      }
      const response = dto.passkey as unknown as AuthenticationResponseJSON;
      const owner = await this.passkeys.authenticate(dto.challenge_id!, response);
      if (owner !== user.id) throw new OAuthError('invalid_grant', PASSKEY_REFUSED);
    } else if (!(await this.mfa.verifySecondFactor(user.id, dto))) {
      throw new OAuthError('invalid_grant', WRONG_CODE);
    }
    if (!(await this.mfaChallenges.spend(challenge))) {
      throw new OAuthError('invalid_grant', BAD_MFA_TOKEN);
    }
    const scopes = narrowScopes(user, challenge.scope);
    const { session, refreshToken } = await this.refreshTokens.startSession(
      user.id,
      scopes.join(' '),
      client,
      { amr: ['pwd', method], time: new Date() },
    );
    return this.tokenResponse(user, session, scopes, refreshToken);
  }

  /**
   * A login with a passkey alone (a discoverable credential, user verification required): the
   * session it starts is authenticated with a hardware-bound key (`amr: ["hwk"]`, RFC 8176).
   */
  async loginWithPasskey(dto: PasskeyLoginDto, client: ClientInfo): Promise<TokenDto> {
    const response = dto.response as unknown as AuthenticationResponseJSON;
    const userId = await this.passkeys.authenticate(dto.challenge_id, response);
    const user = await this.users.findById(userId);
    if (!user?.isActive) throw new OAuthError('invalid_grant', PASSKEY_REFUSED);
    if (this.config.requireVerifiedEmail && !user.emailVerified)
      throw new OAuthError('invalid_grant', UNVERIFIED_EMAIL);
    const amr = ['hwk'];
    const scopes = withoutUnprovenAdmin(
      grantScopes(user, undefined),
      amr,
      this.config.mfaRequiredForSuperusers,
    );
    if (scopes.length === 0) throw new OAuthError('invalid_scope', ADMIN_NEEDS_FACTOR);
    const { session, refreshToken } = await this.refreshTokens.startSession(
      user.id,
      scopes.join(' '),
      client,
      { amr, time: new Date() },
    );
    return this.tokenResponse(user, session, scopes, refreshToken);
  }

  /** Rotates the refresh token; the new access token keeps the session's scopes the user still holds. */
  async refresh(refreshToken: string, client: ClientInfo): Promise<TokenDto> {
    const { session, refreshToken: successor } = await this.refreshTokens.rotate(
      refreshToken,
      client,
    );
    const user = session.user!;
    const scopes = narrowScopes(user, session.scope);
    return this.tokenResponse(user, session, scopes, successor);
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
    session: Session,
    scopes: Scope[],
    refreshToken: string,
  ): Promise<TokenDto> {
    const auth = { amr: session.amr.split(' '), authTime: session.authTime };
    return {
      access_token: await this.tokens.signAccessToken(user, session.id, scopes, auth),
      token_type: 'bearer',
      expires_in: this.tokens.accessTokenSeconds,
      refresh_token: refreshToken,
      scope: scopes.join(' '),
    };
  }
}
