import type { AddressInfo } from 'node:net';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import WebSocket from 'ws';
import { Test } from '@nestjs/testing';
import {
  AppModule,
  appConfig,
  configureApp,
  createAdapter,
  createTestApp,
  createUser,
  MailService,
  tokenOf,
  tokensFor,
  TEST_PASSWORD,
  type Mail,
  type TestApp,
  type TestAppOptions,
} from '../src/testing/index.js';
import { createTestDatabase } from './helpers/database.js';
import { expectInvalidToken, expectMissingScope } from './helpers/expect.js';
import { decodeJwt } from './helpers/jwt.js';

const RealDate = Date;

/** The kit's app on a database of this run's engine (in-memory SQLite, or PostgreSQL under test:pg). */
async function boot(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const t = await createTestApp({
    ...options,
    env: { DATABASE_URL: database.url, ...options.env },
  });
  return { ...t, close: () => t.close().finally(() => database.drop()) };
}

const loginAs = (t: TestApp, username: string, password: string) =>
  t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

describe('the testing kit (recipe-api/testing)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await boot();
  });

  afterAll(async () => {
    await t.close();
  });

  it('should serve the API under /api/v1 with the production pipeline', async () => {
    const user = await createUser(t);
    const { headers } = await tokensFor(t, user);

    const me = await t.request({ method: 'GET', url: '/api/v1/auth/me', headers });

    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: user.id, email: user.email });
    expect(me.headers['x-content-type-options']).toBe('nosniff');
    expect(me.headers['cache-control']).toBe('no-store');
  });

  it('should make a user who can log in with the password', async () => {
    const user = await createUser(t, { email: 'Ada@Example.com', firstName: 'Ada' });

    const response = await loginAs(t, 'ada@example.com', TEST_PASSWORD);

    expect(user.email).toBe('ada@example.com');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ token_type: 'bearer', scope: 'profile recipes:write' });
  });

  it('should issue tokens with only the scopes asked for', async () => {
    const user = await createUser(t);
    const tokens = await tokensFor(t, user, ['profile']);

    const recipe = await t.request({
      method: 'POST',
      url: '/api/v1/recipes',
      headers: tokens.headers,
      payload: { label: 'Chicken Vesuvio', source: 'Serious Eats', url: 'https://example.com/v' },
    });

    expect(tokens.scope).toBe('profile');
    expectMissingScope(recipe, 'recipes:write');
  });

  it('should issue users:admin to a superuser and refuse a scope nobody has', async () => {
    const admin = await createUser(t, { isSuperuser: true });
    const cook = await createUser(t);

    const tokens = await tokensFor(t, admin);
    const users = await t.request({ method: 'GET', url: '/api/v1/users', headers: tokens.headers });

    expect(tokens.scope).toBe('profile recipes:write users:admin');
    expect(users.statusCode).toBe(200);
    await expect(tokensFor(t, cook, ['users:admin'])).rejects.toThrow(/None of the requested/);
  });

  it('should issue an access token with the claims a login gives, amr included', async () => {
    const user = await createUser(t);
    const login = (await loginAs(t, user.email, TEST_PASSWORD)).json<{ access_token: string }>();

    const issued = decodeJwt((await tokensFor(t, user)).access_token);
    const withOtp = decodeJwt(
      (await tokensFor(t, user, undefined, { amr: ['pwd', 'otp'] })).access_token,
    );

    expect(Object.keys(issued.payload).sort()).toEqual(
      Object.keys(decodeJwt(login.access_token).payload).sort(),
    );
    expect(issued.payload).toMatchObject({ sub: String(user.id), amr: ['pwd'] });
    expect(withOtp.payload.amr).toEqual(['pwd', 'otp']);
  });

  it('should authenticate the session now: a step-up route takes the token until its max age passes', async () => {
    const { headers } = await tokensFor(t, await createUser(t));
    const enroll = () =>
      t.request({ method: 'POST', url: '/api/v1/auth/mfa/totp/enroll', headers });

    const fresh = await enroll();
    t.clock.advance({ minutes: 11 }); // STEP_UP_MAX_AGE_MINUTES is 10; the token lives 30
    const stale = await enroll();
    t.clock.reset();

    expect(fresh.statusCode).toBe(200);
    expect(stale.statusCode).toBe(401);
    expect(stale.headers['www-authenticate']).toMatch(/insufficient_user_authentication/);
  });

  it('should refuse tokens for a deactivated account, as a login would', async () => {
    const admin = await tokensFor(t, await createUser(t, { isSuperuser: true }));
    const user = await createUser(t);

    const patch = await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      headers: admin.headers,
      payload: { is_active: false },
    });

    expect(patch.statusCode).toBe(200);
    await expect(tokensFor(t, user)).rejects.toThrow(`User ${user.id} is deactivated`);
  });

  it('should issue a refresh token of a real session', async () => {
    const user = await createUser(t);
    const tokens = await tokensFor(t, user);

    const refresh = await t.request({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: tokens.refresh_token },
    });
    const sessions = await t.request({
      method: 'GET',
      url: '/api/v1/auth/sessions',
      headers: tokens.headers,
    });

    expect(refresh.statusCode).toBe(200);
    expect(sessions.json()).toMatchObject([{ current: true }]);
  });

  it('should capture the reset link, which resets the password', async () => {
    const user = await createUser(t);

    const forgot = await t.request({
      method: 'POST',
      url: '/api/v1/auth/password/forgot',
      payload: { email: user.email },
    });
    const link = await t.mail.lastResetLink(user.email);
    const reset = await t.request({
      method: 'POST',
      url: '/api/v1/auth/password/reset',
      payload: { token: tokenOf(link), new_password: 'a brand new kitchen passphrase' },
    });

    expect(forgot.statusCode).toBe(202);
    expect(link).toMatch(/^http:\/\/localhost:3000\/reset-password\?token=/);
    expect(reset.statusCode).toBe(204);
    expect((await loginAs(t, user.email, 'a brand new kitchen passphrase')).statusCode).toBe(200);
    expect((await loginAs(t, user.email, TEST_PASSWORD)).statusCode).toBe(400);
  });

  it('should capture the verification link, which verifies the address', async () => {
    const user = await createUser(t);
    const { headers } = await tokensFor(t, user);

    await t.request({ method: 'POST', url: '/api/v1/auth/email/verify/request', headers });
    const link = await t.mail.lastVerificationLink(user.email);
    const verify = await t.request({
      method: 'POST',
      url: '/api/v1/auth/email/verify',
      payload: { token: tokenOf(link) },
    });
    const me = await t.request({ method: 'GET', url: '/api/v1/auth/me', headers });

    expect(verify.statusCode).toBe(204);
    expect(me.json()).toMatchObject({ email_verified: true });
  });

  it('should say so when no link was mailed to an address', async () => {
    await expect(t.mail.lastResetLink('nobody@example.com')).rejects.toThrow(
      'No reset-password link was mailed to nobody@example.com.',
    );
  });

  it('should expire an access token when the clock passes its lifetime and the clock skew', async () => {
    const user = await createUser(t);
    const { headers } = await tokensFor(t, user);
    const me = () => t.request({ method: 'GET', url: '/api/v1/auth/me', headers });
    expect((await me()).statusCode).toBe(200); // remembered as verified: the cache must not outlive exp

    t.clock.advance({ minutes: 30, seconds: 59 }); // exp + 59 s: within the 60 s skew
    expect((await me()).statusCode).toBe(200);
    t.clock.advance({ seconds: 2 });
    const expired = await me();
    t.clock.reset();

    expectInvalidToken(expired);
    expect((await me()).statusCode).toBe(200);
  });

  it('should expire a reset link after 30 minutes on the clock', async () => {
    const user = await createUser(t);
    await t.request({
      method: 'POST',
      url: '/api/v1/auth/password/forgot',
      payload: { email: user.email },
    });
    const token = tokenOf(await t.mail.lastResetLink(user.email));

    t.clock.advance({ minutes: 31 });
    const reset = await t.request({
      method: 'POST',
      url: '/api/v1/auth/password/reset',
      payload: { token, new_password: 'a brand new kitchen passphrase' },
    });
    t.clock.reset();

    expect(reset.statusCode).toBe(400);
  });
});

describe('createTestApp options', () => {
  it('should use a replaced provider instead of the app’s, and capture nothing then', async () => {
    const sent: Mail[] = [];
    const t = await boot({
      overrides: [{ provide: MailService, useValue: { send: (mail: Mail) => sent.push(mail) } }],
    });
    try {
      const user = await createUser(t);
      const { headers } = await tokensFor(t, user);

      await t.request({ method: 'POST', url: '/api/v1/auth/email/verify/request', headers });

      expect(sent).toEqual([expect.objectContaining({ to: user.email })]);
      await expect(t.mail.all()).resolves.toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('should apply env to the app and put process.env and Date back on close', async () => {
    const before = process.env.ACCESS_TOKEN_EXPIRE_MINUTES;
    const t = await boot({ env: { ACCESS_TOKEN_EXPIRE_MINUTES: '5' } });
    const tokens = await tokensFor(t, await createUser(t));
    t.clock.advance({ days: 1 });
    expect(Date).not.toBe(RealDate);

    await t.close();

    expect(tokens.expires_in).toBe(300);
    expect(process.env.ACCESS_TOKEN_EXPIRE_MINUTES).toBe(before);
    expect(Date).toBe(RealDate);
  });

  describe("a testing module of one's own", () => {
    const saved = { ...process.env };
    let database: Awaited<ReturnType<typeof createTestDatabase>>;

    beforeEach(async () => {
      database = await createTestDatabase();
      Object.assign(process.env, {
        NODE_ENV: 'test',
        DATABASE_URL: database.url,
        LOG_LEVEL: 'silent',
        JWT_SECRET: 'a-testing-module-secret-of-at-least-32-bytes',
      });
    });

    afterEach(async () => {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
      await database.drop();
    });

    it('should serve /api/v1 with createAdapter and configureApp, as the README says', async () => {
      const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
      const app = moduleRef.createNestApplication<NestFastifyApplication>(
        createAdapter(appConfig()),
      );
      try {
        await configureApp(app);
        await app.init();

        const recipes = await app.inject({ method: 'GET', url: '/api/v1/recipes' });

        expect(recipes.statusCode).toBe(200);
        expect(recipes.headers['x-content-type-options']).toBe('nosniff');
      } finally {
        await app.close();
      }
    });

    it("should run with Nest's plain boot too, /ws included, though without the prefix and pipeline", async () => {
      const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
      const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
      try {
        await app.listen(0, '127.0.0.1');
        const { port } = app.getHttpServer().address() as AddressInfo;

        const recipes = await app.inject({ method: 'GET', url: '/recipes' });
        const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
        const closed = new Promise<number>((resolve) => socket.once('close', resolve));
        socket.once('open', () =>
          socket.send(JSON.stringify({ type: 'authenticate', access_token: 'not-a-token' })),
        );

        expect(recipes.statusCode).toBe(200);
        await expect(closed).resolves.toBe(4401);
      } finally {
        await app.close();
      }
    });
  });
});
