import type { TokenDto as Token } from '../src/auth/dto/token.dto.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { decodeJwt } from './helpers/jwt.js';
import { login, PASSWORD, createUser } from './helpers/factories.js';

describe('amr and auth_time in access tokens (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const refresh = (refreshToken: string) =>
    t.request({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: refreshToken },
    });

  it('should carry amr ["pwd"] and the login time, and keep that time on the session row and across refreshes', async () => {
    const user = await createUser(t);
    const loggedInAt = Math.floor(t.clock.now().getTime() / 1000);
    const first = (await login(t, user.email, PASSWORD)).json<Token>();
    const { payload } = decodeJwt(first.access_token);
    expect(payload.amr).toEqual(['pwd']);
    expect(payload.auth_time).toBeGreaterThanOrEqual(loggedInAt);
    expect(payload.auth_time).toBeLessThanOrEqual(payload.iat as number);
    const [row] = await t.sql<{ amr: string }[]>('SELECT amr FROM sessions WHERE id = ?', [
      payload.sid,
    ]);
    expect(row.amr).toBe('pwd');

    t.clock.advance({ minutes: 20 });
    const response = await refresh(first.refresh_token);
    expect(response.statusCode).toBe(200);
    const refreshed = decodeJwt(response.json<Token>().access_token).payload;
    expect(refreshed.iat).toBeGreaterThan((payload.iat as number) + 19 * 60);
    expect(refreshed).toMatchObject({ amr: ['pwd'], auth_time: payload.auth_time });
    t.clock.reset();
  });
});
