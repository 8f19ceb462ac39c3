import type { TokenDto as Token } from '../src/auth/dto/token.dto.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createUser, PASSWORD } from './helpers/factories.js';
import type { SessionRow } from './helpers/rows.js';

describe('refresh cookie mode (e2e)', () => {
  let t: TestApp;
  const origin = 'https://spa.example';

  beforeAll(async () => {
    t = await createTestApp({ REFRESH_COOKIE: 'true', CORS_ORIGINS: origin });
  });
  afterAll(() => t.close());

  const cookieOf = (setCookie: string | string[] | undefined) => {
    const header = ([] as string[])
      .concat(setCookie ?? [])
      .find((c) => c.startsWith('refresh_token='));
    return header ?? '';
  };
  const valueOf = (cookie: string) => cookie.split(';')[0].slice('refresh_token='.length);
  const loginFrom = (email: string, headers: Record<string, string> = { origin }) =>
    t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers,
      payload: { username: email, password: PASSWORD },
    });
  const sessionsOf = (userId: number) =>
    t.sql<SessionRow[]>(
      'SELECT id, user_id, expires_at, revoked_at FROM sessions WHERE user_id = ?',
      [userId],
    );
  /** No cookie, and nothing a page of that origin may read. */
  const expectNoCookie = (response: { headers: Record<string, unknown> }) => {
    expect(cookieOf(response.headers['set-cookie'] as string | string[] | undefined)).toBe('');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  };

  it('should let a page of an allowed origin read a login that sets the cookie (credentials allowed)', async () => {
    const user = await createUser(t);
    const response = await loginFrom(user.email);
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(origin);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(response.headers.vary).toMatch(/origin/i);
    expect(valueOf(cookieOf(response.headers['set-cookie']))).toBe(
      response.json<Token>().refresh_token,
    );
  });

  it('should allow credentials on a preflight from an allowed origin, and on none from another', async () => {
    const preflight = (from: string) =>
      t.request({
        method: 'OPTIONS',
        url: '/api/v1/auth/refresh',
        headers: {
          origin: from,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight(origin);
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(origin);
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    expect(allowed.headers['access-control-allow-methods']).toContain('POST');

    for (const from of ['https://evil.example', 'null']) expectNoCookie(await preflight(from));
  });

  // A cross-site form (or a sandboxed frame, Origin: null) must not plant the sender's session in the victim's browser.
  it.each([
    ['a foreign origin', 'https://evil.example'],
    ['a sibling of the allowed origin', 'https://spa.example.evil.example'],
    ['an opaque origin (null)', 'null'],
  ])('should not set the cookie on a form login from %s', async (_case, from) => {
    const user = await createUser(t);
    const response = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: {
        origin: from,
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'cross-site',
      },
      payload: new URLSearchParams({ username: user.email, password: PASSWORD }).toString(),
    });
    // Answered as without cookie mode: tokens in the body, which no page of that origin can read.
    expect(response.statusCode).toBe(200);
    expect(response.json<Token>().refresh_token).toMatch(/^[\w-]{43}$/);
    expectNoCookie(response);
    // The session is the sender's own, as a login with curl would make; the browser holds none of it.
    expect(await sessionsOf(user.id)).toHaveLength(2);
  });

  it('should give a client that sends no Origin (an app, curl) its tokens in the body and no cookie', async () => {
    const user = await createUser(t);
    const response = await loginFrom(user.email, {});
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json<Token>()).toMatchObject({
      token_type: 'bearer',
      refresh_token: expect.stringMatching(/^[\w-]{43}$/),
    });
    expectNoCookie(response);
    expect(await sessionsOf(user.id)).toHaveLength(2);
  });

  it.each([
    ['a foreign origin', { origin: 'https://evil.example' }],
    ['an opaque origin (null)', { origin: 'null' }],
    ['no Origin', {}],
  ])(
    'should not set the cookie on a refresh with the token in the body from %s',
    async (_case, headers) => {
      const user = await createUser(t);
      const first = (await loginFrom(user.email, {})).json<Token>();
      const response = await t.request({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        headers,
        payload: { refresh_token: first.refresh_token },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json<Token>().refresh_token).not.toBe(first.refresh_token);
      expectNoCookie(response);
    },
  );

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
    for (const headers of [{}, { origin: 'https://evil.example' }, { origin: 'null' }]) {
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
    const response = await t.request({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: user.auth,
    });
    expect(response.statusCode).toBe(204);
    expect(cookieOf(response.headers['set-cookie'])).toMatch(
      /^refresh_token=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/,
    );
  });
});
