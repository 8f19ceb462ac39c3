import { Secret, TOTP } from 'otpauth';
import type { TokenDto as Token } from '../src/auth/dto/token.dto.js';
import { TokensService } from '../src/auth/tokens.service.js';
import { MailService } from '../src/mail/mail.service.js';
import { RefreshTokensService } from '../src/sessions/refresh-tokens.service.js';
import { UsersService } from '../src/users/users.service.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { bearer, createUser, login, PASSWORD } from './helpers/factories.js';
import { decodeJwt } from './helpers/jwt.js';

describe('MFA_REQUIRED_FOR_SUPERUSERS=true (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ MFA_REQUIRED_FOR_SUPERUSERS: 'true' });
    vi.spyOn(t.app.get(MailService), 'send').mockImplementation(() => undefined);
  });
  afterAll(() => t.close());

  const listUsers = (token: string) =>
    t.request({ method: 'GET', url: '/api/v1/users', headers: bearer(token) });

  it('should grant users:admin only to a login with a second factor, and the other scopes without one', async () => {
    const admin = await createUser(t, { superuser: true });
    const password = await login(t, admin.email, PASSWORD, 'profile recipes:write users:admin');
    expect(password.statusCode).toBe(200);
    const first = password.json<Token>();
    expect(first.scope).toBe('profile recipes:write');
    expect(decodeJwt(first.access_token).payload.scope).toBe('profile recipes:write');
    expect((await listUsers(first.access_token)).statusCode).toBe(403);
    const adminOnly = await login(t, admin.email, PASSWORD, 'users:admin');
    expect(adminOnly.statusCode).toBe(400);
    expect(adminOnly.json()).toMatchObject({ error: 'invalid_scope' });

    const enroll = await t.request({
      method: 'POST',
      url: '/api/v1/auth/mfa/totp/enroll',
      headers: bearer(first.access_token),
    });
    const secret = Secret.fromBase32(enroll.json<{ secret: string }>().secret);
    const code = () => {
      t.clock.advance({ seconds: 30 });
      return TOTP.generate({ secret, timestamp: t.clock.now().getTime() });
    };
    const confirm = await t.request({
      method: 'POST',
      url: '/api/v1/auth/mfa/totp/confirm',
      headers: bearer(first.access_token),
      payload: { code: code() },
    });
    expect(confirm.statusCode).toBe(200);

    const step = await login(t, admin.email, PASSWORD, 'profile users:admin');
    const second = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login/mfa',
      payload: { mfa_token: step.json<{ mfa_token: string }>().mfa_token, code: code() },
    });
    expect(second.statusCode).toBe(200);
    expect(second.json<Token>().scope).toBe('profile users:admin');
    expect((await listUsers(second.json<Token>().access_token)).statusCode).toBe(200);
  });

  it('should not honour users:admin in a token whose session logged in with a password alone', async () => {
    const admin = await createUser(t, { superuser: true });
    const account = (await t.app.get(UsersService).findById(admin.id))!;
    const { session } = await t.app
      .get(RefreshTokensService)
      .startSession(admin.id, 'profile users:admin', {});
    const token = await t.app
      .get(TokensService)
      .signAccessToken(account, session.id, ['profile', 'users:admin'], {
        amr: ['pwd'],
        authTime: session.authTime,
      });
    const response = await listUsers(token);
    expect(response.statusCode).toBe(403);
    expect(response.headers['www-authenticate']).toContain('insufficient_scope');
  });
});
