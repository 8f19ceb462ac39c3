import type { TokenDto as Token } from '../src/auth/dto/token.dto.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createUser, PASSWORD } from './helpers/factories.js';

describe('refresh cookie mode (e2e)', () => {
  let t: TestApp;
  const origin = 'https://spa.example';

  beforeAll(async () => {
    t = await createTestApp({ REFRESH_COOKIE: 'true', CORS_ORIGINS: origin });
  });
  afterAll(() => t.close());

  const cookieOf = (setCookie: string | string[] | undefined) => {
    const header = ([] as string[]).concat(setCookie ?? []).find((c) => c.startsWith('refresh_token='));
    return header ?? '';
  };
  const valueOf = (cookie: string) => cookie.split(';')[0].slice('refresh_token='.length);
  const loginFrom = (email: string, headers: Record<string, string> = { origin }) =>
    t.request({ method: 'POST', url: '/api/v1/auth/login', headers, payload: { username: email, password: PASSWORD } });

  it('should set an HttpOnly, Secure, SameSite=Strict cookie on the auth path at login and refresh from it', async () => {
    const user = await createUser(t);
    const response = await loginFrom(user.email);
    const cookie = cookieOf(response.headers['set-cookie']);
    const value = valueOf(cookie);
    expect(value).toBe(response.json<Token>().refresh_token);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/api\/v1\/auth/);

    const refreshed = await t.request({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: { cookie: `refresh_token=${value}`, origin },
      payload: {},
    });
    expect(refreshed.statusCode).toBe(200);
    const next = cookieOf(refreshed.headers['set-cookie']);
    expect(next.split(';')[0]).toBe(`refresh_token=${refreshed.json<Token>().refresh_token}`);
  });

  it('should refuse the cookie without an allowed Origin', async () => {
    const user = await createUser(t);
    const value = valueOf(cookieOf((await loginFrom(user.email)).headers['set-cookie']));
    expect(value).not.toBe('');
    for (const headers of [{}, { origin: 'https://evil.example' }]) {
      const response = await t.request({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        headers: { cookie: `refresh_token=${value}`, ...headers },
        payload: {},
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('should clear the cookie at logout', async () => {
    const user = await createUser(t);
    const response = await t.request({ method: 'POST', url: '/api/v1/auth/logout', headers: user.auth });
    expect(response.statusCode).toBe(204);
    expect(cookieOf(response.headers['set-cookie'])).toMatch(/^refresh_token=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/);
  });
});
