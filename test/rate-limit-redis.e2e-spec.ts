import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Redis } from 'ioredis';
import { Logger } from '@nestjs/common';
import { RateLimitStorage } from '../src/common/throttling/rate-limit-storage.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { expectProblemJson } from './helpers/expect.js';
import { createUser, newEmail, PASSWORD } from './helpers/factories.js';
import {
  connectTestRedis,
  deleteKeys,
  keysUnder,
  RedisProxy,
  TEST_REDIS_URL,
  testKeyPrefix,
} from './helpers/redis.js';

/**
 * Two instances of the app (two Nest applications in this process on one database) sharing one
 * Redis through REDIS_URL and REDIS_KEY_PREFIX: both limits count across them.
 */
const SIGNUP = '/api/v1/auth/signup';
const LOGIN = '/api/v1/auth/login';
const FORGOT = '/api/v1/auth/password/forgot';
const WRONG = 'not the right password';

const prefix = testKeyPrefix();
const savedEnv = { ...process.env };

/** Every variable spelled out: createTestApp writes them into process.env, which outlives an app. */
function boot(env: { DATABASE_URL: string; REDIS_URL: string }): Promise<TestApp> {
  return createTestApp({
    RATE_LIMIT_ENABLED: 'true',
    AUTH_RATE_LIMIT_PER_MINUTE: '3',
    LOGIN_MAX_FAILURES: '10',
    LOGIN_FAILURE_WINDOW_MINUTES: '15',
    TRUST_PROXY: 'false',
    REDIS_KEY_PREFIX: prefix,
    ...env,
  });
}

/**
 * Two instances on a file database of their own (passport's strategies are process-wide, so B's
 * check A's logins) with REDIS_URL `redisUrl`: booted before the block's tests, closed after them.
 */
function twoInstances(redisUrl: string): { a: TestApp; b: TestApp } {
  const instances = {} as { a: TestApp; b: TestApp };
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase({ file: true });
    const env = { DATABASE_URL: database.url, REDIS_URL: redisUrl };
    instances.a = await boot(env);
    instances.b = await boot(env);
  });
  afterAll(async () => {
    await instances.a?.close();
    await instances.b?.close();
    await database?.drop();
  });
  return instances;
}

function request(t: TestApp, remoteAddress: string, options: InjectOptions) {
  return t.request({ ...options, remoteAddress });
}

function loginFrom(t: TestApp, remoteAddress: string, username: string, password: string) {
  return request(t, remoteAddress, { method: 'POST', url: LOGIN, payload: { username, password } });
}

function signupFrom(t: TestApp, remoteAddress: string) {
  return request(t, remoteAddress, {
    method: 'POST',
    url: SIGNUP,
    payload: { email: newEmail(), password: PASSWORD },
  });
}

function forgotFrom(t: TestApp, remoteAddress: string, email: string) {
  return request(t, remoteAddress, { method: 'POST', url: FORGOT, payload: { email } });
}

function expectLoginLocked(response: LightMyRequestResponse) {
  expect(response.statusCode).toBe(429);
  expect(response.json()).toEqual({
    error: 'invalid_request',
    error_description: 'Too many failed logins for this account: try again later.',
  });
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(14 * 60);
  expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
}

function expectSignupLimited(response: LightMyRequestResponse) {
  expectProblemJson(response, 429, {
    status: 429,
    detail: expect.stringMatching(/^Too many requests/),
  });
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(response.headers['ratelimit-reset']).toBe(response.headers['retry-after']);
}

describe('rate limits shared through Redis (e2e)', () => {
  let admin: Redis;

  beforeAll(async () => {
    admin = await connectTestRedis();
  });
  afterAll(async () => {
    await deleteKeys(admin, prefix);
    await admin.quit();
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  });

  describe('two instances on one Redis', () => {
    const instances = twoInstances(TEST_REDIS_URL);

    // Logins are not used here: passport's strategies are process-wide, so in one process every
    // login runs through the last app's AuthService whichever app got it. The failed-login limit
    // across instances is proven with two server processes in multi-instance.e2e-spec.ts; the
    // per-account mail limit below counts in the same AttemptStore.
    it('should refuse reset mails to an account once A and B together sent LOGIN_MAX_FAILURES', async () => {
      const { a, b } = instances;
      const email = newEmail();
      for (let i = 0; i < 10; i++) {
        const response = await forgotFrom(i % 2 ? b : a, `127.0.1.${i}`, email);
        expect({ i, status: response.statusCode }).toEqual({ i, status: 202 });
      }
      for (const instance of [a, b]) {
        const refused = await forgotFrom(instance, '127.0.1.100', email);
        expect(refused.statusCode).toBe(429);
        expect(refused.json()).toMatchObject({
          detail: 'Too many mails for this account: try again later.',
        });
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(14 * 60);
      }
      expect((await forgotFrom(a, '127.0.1.101', newEmail())).statusCode).toBe(202);
    });

    it('should count one address against the per-IP limit on both instances', async () => {
      const { a, b } = instances;
      const remaining = [];
      for (const instance of [a, b, a]) {
        const response = await signupFrom(instance, '10.0.0.1');
        expect(response.statusCode).toBe(201);
        remaining.push(response.headers['ratelimit-remaining']);
      }
      expect(remaining).toEqual(['2', '1', '0']);
      expectSignupLimited(await signupFrom(b, '10.0.0.1'));
      expectSignupLimited(await signupFrom(a, '10.0.0.1'));
      expect((await signupFrom(b, '10.0.0.2')).statusCode).toBe(201);
    });

    it('should keep its counts under REDIS_KEY_PREFIX, with no email address in a key', async () => {
      const keys = await keysUnder(admin, prefix);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.filter((key) => key.includes('@'))).toEqual([]);
    });
  });

  describe('two instances without REDIS_URL', () => {
    const instances = twoInstances('');

    it('should count on their own, so together they allow twice the limit (what the README warns of)', async () => {
      const { a, b } = instances;
      for (const instance of [a, a, a, b, b, b]) {
        expect((await signupFrom(instance, '10.0.1.1')).statusCode).toBe(201);
      }
      expectSignupLimited(await signupFrom(a, '10.0.1.1'));
      expectSignupLimited(await signupFrom(b, '10.0.1.1'));
    });
  });

  describe('when Redis goes away', () => {
    let database: TestDatabase;
    let proxy: RedisProxy;
    let t: TestApp;
    let storage: RateLimitStorage;

    beforeAll(async () => {
      database = await createTestDatabase({ file: true });
      proxy = await RedisProxy.start();
      t = await boot({ DATABASE_URL: database.url, REDIS_URL: proxy.url });
      storage = t.app.get(RateLimitStorage);
    });
    afterAll(async () => {
      await t?.close();
      await proxy?.stop();
      await database?.drop();
    });

    it("should keep answering, with this instance's own limits, and never a 500", async () => {
      const warn = vi.spyOn(Logger.prototype, 'warn');
      const user = await createUser(t);
      await proxy.stop();

      for (let i = 0; i < 3; i++) expect((await signupFrom(t, '10.0.2.1')).statusCode).toBe(201);
      expectSignupLimited(await signupFrom(t, '10.0.2.1'));
      for (let i = 0; i < 10; i++) {
        expect((await loginFrom(t, `10.0.2.${i + 10}`, user.email, WRONG)).statusCode).toBe(400);
      }
      expectLoginLocked(await loginFrom(t, '10.0.2.30', user.email, PASSWORD));
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^Redis is unreachable/));
      warn.mockRestore();
    });

    it('should share its counts again once Redis is back', async () => {
      await proxy.listen();
      await vi.waitFor(() => expect(storage.redis!.status).toBe('ready'), { timeout: 10_000 });
      const before = (await keysUnder(admin, `${prefix}attempts:`)).length;
      expect((await loginFrom(t, '10.0.3.1', newEmail(), WRONG)).statusCode).toBe(400);
      expect((await keysUnder(admin, `${prefix}attempts:`)).length).toBe(before + 1);
    });

    it('should close its Redis connection when the app closes', async () => {
      const closing = await boot({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL });
      const redis = closing.app.get(RateLimitStorage).redis!;
      expect(redis.status).toBe('ready');
      await closing.close();
      expect(redis.status).toBe('end');
    });
  });
});
