import { Injectable } from '@nestjs/common';
import { OAuthError } from '../common/errors/domain.error.js';
import { SCOPES, type Scope } from '../common/decorators/scopes.decorator.js';
import { PasswordService } from '../users/password.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { SignupDto } from './dto/signup.dto.js';
import type { TokenDto } from './dto/token.dto.js';
import { SessionsService } from './sessions.service.js';
import { allowedScopes, TokensService } from './tokens.service.js';

export interface ClientInfo {
  userAgent?: string;
  ip?: string;
}

const BAD_CREDENTIALS = 'Incorrect email or password.';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly tokens: TokensService,
  ) {}

  signup(dto: SignupDto): Promise<User> {
    return this.users.create({
      email: dto.email,
      password: dto.password,
      firstName: dto.first_name,
      surname: dto.surname,
    });
  }

  /**
   * One answer and one argon2 verify whatever went wrong (unknown email, wrong password,
   * inactive account), so neither the body nor the timing tells accounts apart.
   */
  async checkCredentials(email: string, password: string): Promise<User> {
    const user = await this.users.findByEmail(email);
    const valid = user
      ? await this.passwords.verify(user.hashedPassword, password)
      : await this.passwords.verifyNothing(password);
    if (!user || !valid || !user.isActive) throw new OAuthError('invalid_grant', BAD_CREDENTIALS);
    if (this.passwords.needsRehash(user.hashedPassword)) await this.users.setPassword(user, password);
    return user;
  }

  /** Starts a session and issues its access token with the requested (or every allowed) scope. */
  async login(user: User, requestedScope: string | undefined, client: ClientInfo): Promise<TokenDto> {
    const scopes = this.grantScopes(user, requestedScope);
    const session = await this.sessions.start(user.id, client);
    return {
      access_token: await this.tokens.signAccessToken(user, session.id, scopes),
      token_type: 'bearer',
      expires_in: this.tokens.accessTokenSeconds,
      scope: scopes.join(' '),
    };
  }

  logout(sessionId: string): Promise<void> {
    return this.sessions.revoke(sessionId);
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
