import type { TokenDto as Token } from '../src/auth/dto/token.dto.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { minutesAgo } from './helpers/database.js';
import { bearer, createUser, login, PASSWORD, type TestUser } from './helpers/factories.js';

describe('refresh tokens and sessions (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const refresh = (refreshToken: string, form = false) =>
    t.request({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      ...(form
        ? {
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: `grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshToken)}`,
          }
        : { payload: { refresh_token: refreshToken } }),
    });
  const me = (accessToken: string) =>
    t.request({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(accessToken) });
  const logIn = async (user: TestUser, scope?: string) =>
    (await login(t, user.email, PASSWORD, scope)).json<Token>();
  const claims = (jwt: string) =>
    JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, string>;
  /** Moves a retired token past the grace window, as if it were reused later. */
  const ageRetiredTokens = () =>
    t.sql('UPDATE refresh_tokens SET retired_at = ? WHERE retired_at IS NOT NULL', [
      minutesAgo(60),
    ]);

  it('should rotate: a new access and refresh token for the same session and scope, the old one retired', async () => {
    const user = await createUser(t);
    const first = await logIn(user, 'profile');
    const response = await refresh(first.refresh_token);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const next = response.json<Token>();
    expect(next.refresh_token).toMatch(/^[\w-]{43}$/);
    expect(next.refresh_token).not.toBe(first.refresh_token);
    expect(next.scope).toBe('profile');
    expect(claims(next.access_token)).toMatchObject({
      sid: claims(first.access_token).sid,
      scope: 'profile',
    });
    expect((await me(next.access_token)).statusCode).toBe(200);
    const rows = await t.sql(
      'SELECT token_hash, retired_at FROM refresh_tokens WHERE session_id = ? ORDER BY id',
      [claims(first.access_token).sid],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0].retired_at).not.toBeNull();
    expect(rows[1].retired_at).toBeNull();
    expect(JSON.stringify(rows)).not.toContain(first.refresh_token);
  });

  it('should accept the RFC 6749 form with grant_type=refresh_token', async () => {
    const user = await createUser(t);
    const response = await refresh((await logIn(user)).refresh_token, true);
    expect(response.statusCode).toBe(200);
  });

  it('should answer the RFC 6749 errors for a bad request', async () => {
    const wrongGrant = await t.request({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { grant_type: 'password', refresh_token: 'x' },
    });
    expect(wrongGrant.statusCode).toBe(400);
    expect(wrongGrant.json()).toEqual({
      error: 'unsupported_grant_type',
      error_description: expect.any(String),
    });
    const missing = await t.request({ method: 'POST', url: '/api/v1/auth/refresh', payload: {} });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: 'invalid_request' });
    const unknown = await refresh('not-a-token-we-issued');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('should revoke the whole session when a rotated token comes back after the grace window', async () => {
    const user = await createUser(t);
    const first = await logIn(user);
    const second = (await refresh(first.refresh_token)).json<Token>();
    await ageRetiredTokens();

    const reuse = await refresh(first.refresh_token);
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await refresh(second.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    const afterReuse = await me(second.access_token);
    expect(afterReuse.statusCode).toBe(401);
    expect(afterReuse.headers['www-authenticate']).toContain('invalid_token');
    const [session] = await t.sql('SELECT revoked_at FROM sessions WHERE id = ?', [
      claims(first.access_token).sid,
    ]);
    expect(session.revoked_at).not.toBeNull();
  });

  it('should give 20 parallel refreshes of one token one identical successor and keep one live token', async () => {
    const user = await createUser(t);
    const first = await logIn(user);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => refresh(first.refresh_token)),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    const successors = new Set(responses.map((r) => r.json<Token>().refresh_token));
    expect(successors.size).toBe(1);
    const live = await t.sql(
      'SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id = ? AND retired_at IS NULL',
      [claims(first.access_token).sid],
    );
    expect(live[0].n).toBe(1);
    expect((await refresh([...successors][0])).statusCode).toBe(200);
  });

  it('should refuse an access token as refresh token and a refresh token as bearer', async () => {
    const user = await createUser(t);
    const token = await logIn(user);
    const asRefresh = await refresh(token.access_token);
    expect(asRefresh.statusCode).toBe(400);
    expect(asRefresh.json()).toMatchObject({ error: 'invalid_grant' });
    const asBearer = await me(token.refresh_token);
    expect(asBearer.statusCode).toBe(401);
    expect(asBearer.headers['www-authenticate']).toContain('invalid_token');
  });

  it('should kill the refresh token of a logged-out session', async () => {
    const user = await createUser(t);
    const token = await logIn(user);
    await t.request({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: bearer(token.access_token),
    });
    expect((await refresh(token.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('should end the other sessions, not this one, on a password change', async () => {
    const user = await createUser(t);
    const mine = await logIn(user);
    const other = await logIn(user);
    const change = await t.request({
      method: 'POST',
      url: '/api/v1/users/me/password',
      headers: bearer(mine.access_token),
      payload: { current_password: PASSWORD, new_password: 'a brand new passphrase' },
    });
    expect(change.statusCode).toBe(204);
    expect((await me(other.access_token)).statusCode).toBe(401);
    expect((await refresh(other.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    expect((await me(mine.access_token)).statusCode).toBe(200);
    expect((await refresh(mine.refresh_token)).statusCode).toBe(200);
  });

  it('should end every session of a deactivated user, and let other users be', async () => {
    const admin = await createUser(t, { superuser: true });
    const user = await createUser(t);
    const bystander = await createUser(t);
    const token = await logIn(user);
    const deactivate = await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      headers: admin.auth,
      payload: { is_active: false },
    });
    expect(deactivate.statusCode).toBe(200);
    expect((await me(token.access_token)).statusCode).toBe(401);
    expect((await refresh(token.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    expect((await me(bystander.token)).statusCode).toBe(200);
  });

  it('should refuse a session past its absolute lifetime or idle too long', async () => {
    const user = await createUser(t);
    const expired = await logIn(user);
    await t.sql('UPDATE sessions SET expires_at = ? WHERE id = ?', [
      minutesAgo(1),
      claims(expired.access_token).sid,
    ]);
    expect((await refresh(expired.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    const idle = await logIn(user);
    await t.sql('UPDATE sessions SET last_used_at = ? WHERE id = ?', [
      minutesAgo(8 * 24 * 60),
      claims(idle.access_token).sid,
    ]);
    expect((await refresh(idle.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('should drop users:admin from refreshed tokens once the user is no longer a superuser', async () => {
    const user = await createUser(t, { superuser: true });
    const token = await logIn(user);
    expect(token.scope).toContain('users:admin');
    await t.sql('UPDATE users SET is_superuser = false WHERE id = ?', [user.id]);
    const next = (await refresh(token.refresh_token)).json<Token>();
    expect(next.scope).toBe('profile recipes:write');
  });

  describe('GET and DELETE /auth/sessions', () => {
    it('should list the live sessions with the current one marked, newest use first', async () => {
      const user = await createUser(t);
      const other = await logIn(user);
      const mine = (
        await t.request({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: { 'user-agent': 'vitest-agent/1.0' },
          payload: { username: user.email, password: PASSWORD },
        })
      ).json<Token>();
      await t.request({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: bearer(other.access_token),
      });
      const response = await t.request({
        method: 'GET',
        url: '/api/v1/auth/sessions',
        headers: bearer(mine.access_token),
      });
      expect(response.statusCode).toBe(200);
      const sessions = response.json<
        {
          id: string;
          current: boolean;
          user_agent: string;
          ip: string;
          created_at: string;
          last_used_at: string;
        }[]
      >();
      // createUser's own login is still live; the logged-out one is gone.
      expect(sessions).toHaveLength(2);
      expect(sessions.map((s) => s.id)).not.toContain(claims(other.access_token).sid);
      const current = sessions.find((s) => s.current);
      expect(current).toMatchObject({
        id: claims(mine.access_token).sid,
        user_agent: 'vitest-agent/1.0',
        ip: '127.0.0.1',
        created_at: expect.any(String),
        last_used_at: expect.any(String),
      });
      // Written by the database (created_at) and by the server (last_used_at): both now, in UTC.
      for (const stamp of [current!.created_at, current!.last_used_at]) {
        expect(Math.abs(Date.parse(stamp) - Date.now())).toBeLessThan(60_000);
      }
      expect(sessions.filter((s) => s.current)).toHaveLength(1);
    });

    it("should end one of your own sessions and answer 404 for anyone else's", async () => {
      const user = await createUser(t);
      const stranger = await createUser(t);
      const mine = await logIn(user);
      const other = await logIn(user);
      const strangers = await logIn(stranger);
      const auth = bearer(mine.access_token);

      const foreign = await t.request({
        method: 'DELETE',
        url: `/api/v1/auth/sessions/${claims(strangers.access_token).sid}`,
        headers: auth,
      });
      expect(foreign.statusCode).toBe(404);
      expect(foreign.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await me(strangers.access_token)).statusCode).toBe(200);

      const unknown = await t.request({
        method: 'DELETE',
        url: '/api/v1/auth/sessions/nope',
        headers: auth,
      });
      expect(unknown.statusCode).toBe(404);

      const ended = await t.request({
        method: 'DELETE',
        url: `/api/v1/auth/sessions/${claims(other.access_token).sid}`,
        headers: auth,
      });
      expect(ended.statusCode).toBe(204);
      expect((await me(other.access_token)).statusCode).toBe(401);
      expect((await refresh(other.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
      expect((await me(mine.access_token)).statusCode).toBe(200);
    });
  });
});

describe('refresh tokens without a grace window (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ REFRESH_GRACE_SECONDS: '0' });
  });
  afterAll(() => t.close());

  const refresh = (refreshToken: string) =>
    t.request({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: refreshToken },
    });
  const me = (accessToken: string) =>
    t.request({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(accessToken) });
  const sessionOf = (jwt: string) =>
    (JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as { sid: string }).sid;

  it('should rotate on the first refresh, and end the session when the old token comes back', async () => {
    const user = await createUser(t);
    const first = (await login(t, user.email)).json<Token>();
    const sid = sessionOf(first.access_token);

    const rotated = await refresh(first.refresh_token);
    expect(rotated.statusCode).toBe(200);
    const second = rotated.json<Token>();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await me(second.access_token)).statusCode).toBe(200);
    await expect(t.sql('SELECT revoked_at FROM sessions WHERE id = ?', [sid])).resolves.toEqual([
      { revoked_at: null },
    ]);
    await expect(
      t.sql(
        'SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id = ? AND retired_at IS NULL',
        [sid],
      ),
    ).resolves.toEqual([{ n: 1 }]);

    const reuse = await refresh(first.refresh_token);
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json()).toEqual({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/already used/),
    });
    const [session] = await t.sql('SELECT revoked_at FROM sessions WHERE id = ?', [sid]);
    expect(session.revoked_at).not.toBeNull();
    expect((await me(second.access_token)).statusCode).toBe(401);
    expect((await refresh(second.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('should let every refresh in a chain succeed', async () => {
    const user = await createUser(t);
    let token = (await login(t, user.email)).json<Token>();
    for (let i = 0; i < 5; i++) {
      const response = await refresh(token.refresh_token);
      expect(response.statusCode).toBe(200);
      token = response.json<Token>();
    }
    expect((await me(token.access_token)).statusCode).toBe(200);
    await expect(
      t.sql('SELECT revoked_at FROM sessions WHERE id = ?', [sessionOf(token.access_token)]),
    ).resolves.toEqual([{ revoked_at: null }]);
  });
});
