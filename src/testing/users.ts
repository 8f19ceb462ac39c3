import { randomUUID } from 'node:crypto';
import { TokensService } from '../auth/tokens.service.js';
import { grantScopes, type Scope } from '../auth/scope-policy.js';
import { RefreshTokensService } from '../sessions/refresh-tokens.service.js';
import { UsersService } from '../users/users.service.js';
import type { TestApp } from './test-app.js';

/** The password of the users createUser makes, unless given. */
export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestUserFields {
  email?: string;
  password?: string;
  firstName?: string;
  surname?: string;
  isSuperuser?: boolean;
  emailVerified?: boolean;
}

export interface TestUser {
  id: number;
  email: string;
  /** The password in clear, for tests of the login itself. */
  password: string;
  isSuperuser: boolean;
  emailVerified: boolean;
}

export interface TestTokens {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
  scope: string;
  /** `{ authorization: 'Bearer …' }`, to spread into a request's headers. */
  headers: { authorization: string };
}

/**
 * An account made through UsersService, as signup makes one (argon2id hash, unique email), with
 * what signup cannot set: superuser, verified email. The email is unique unless given.
 */
export async function createUser(
  t: Pick<TestApp, 'get'>,
  fields: TestUserFields = {},
): Promise<TestUser> {
  const password = fields.password ?? TEST_PASSWORD;
  const user = await t.get<UsersService>(UsersService).create({
    email: fields.email ?? `cook-${randomUUID().slice(0, 8)}@example.com`,
    password,
    firstName: fields.firstName ?? 'Test',
    surname: fields.surname ?? 'Cook',
    isSuperuser: fields.isSuperuser ?? false,
    emailVerified: fields.emailVerified ?? false,
  });
  return {
    id: user.id,
    email: user.email,
    password,
    isSuperuser: user.isSuperuser,
    emailVerified: user.emailVerified,
  };
}

export interface TokensForOptions {
  /**
   * How the session authenticated (RFC 8176 `amr`): `['pwd']` by default, as a password login;
   * `['pwd', 'otp']` as a login with a second factor. Its time is the clock's now.
   */
  amr?: string[];
}

/**
 * The tokens a login would answer, without the password round trip: a real session (with its
 * `amr` and authentication time, so step-up routes take it as a fresh login) and refresh token
 * from RefreshTokensService, and an access token signed by TokensService with the app's key.
 * `scopes` are granted as at login: none asked, every scope the user may hold; an unknown scope,
 * or none the user may hold, throws. A deactivated account gets none, as at login.
 */
export async function tokensFor(
  t: Pick<TestApp, 'get'>,
  user: { id: number },
  scopes?: Scope[],
  { amr = ['pwd'] }: TokensForOptions = {},
): Promise<TestTokens> {
  const account = await t.get<UsersService>(UsersService).findById(user.id);
  if (!account) throw new Error(`There is no user ${user.id}.`);
  if (!account.isActive) throw new Error(`User ${user.id} is deactivated: it cannot log in.`);
  const granted = grantScopes(account, scopes?.join(' '));
  const { session, refreshToken } = await t
    .get<RefreshTokensService>(RefreshTokensService)
    .startSession(account.id, granted.join(' '), { userAgent: 'recipe-api/testing' }, { amr });
  const tokens = t.get<TokensService>(TokensService);
  const accessToken = await tokens.signAccessToken(account, session.id, granted, {
    amr: session.amr.split(' '),
    authTime: session.authTime,
  });
  return {
    access_token: accessToken,
    refresh_token: refreshToken,
    token_type: 'bearer',
    expires_in: tokens.accessTokenSeconds,
    scope: granted.join(' '),
    headers: { authorization: `Bearer ${accessToken}` },
  };
}
