import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createTestDatabase, testEngine, type TestDatabase } from './helpers/database.js';
import { bearer, newEmail, PASSWORD } from './helpers/factories.js';
import { connectTestRedis, deleteKeys, TEST_REDIS_URL, testKeyPrefix } from './helpers/redis.js';
import { ensureBuilt, startServer, type ServerProcess } from './helpers/server-process.js';

/**
 * Two real server processes (`node dist/main.js`, built first when dist/ is stale) on different
 * ports, one PostgreSQL database and one Redis key prefix: every guarantee holds across them.
 * PostgreSQL only (`npm run test:pg`): two processes on one SQLite file is not a deployment.
 */
interface Token {
  access_token: string;
  refresh_token: string;
}

const GRACE_SECONDS = 1;
const MAX_FAILURES = 4;
const WRONG = 'not the right password';

describe.skipIf(testEngine !== 'postgres')(
  'two server processes on one PostgreSQL and one Redis (e2e; runs under npm run test:pg)',
  () => {
    const prefix = testKeyPrefix();
    let database: TestDatabase | undefined;
    let redis: Redis;
    let a: ServerProcess | undefined;
    let b: ServerProcess | undefined;

    beforeAll(async () => {
      await ensureBuilt();
      redis = await connectTestRedis();
      database = await createTestDatabase();
      const env = {
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        JWT_SECRET: randomBytes(48).toString('base64url'),
        REFRESH_GRACE_SECONDS: String(GRACE_SECONDS),
        LOGIN_MAX_FAILURES: String(MAX_FAILURES),
        LOGIN_FAILURE_WINDOW_MINUTES: '15',
        RATE_LIMIT_ENABLED: 'true',
        AUTH_RATE_LIMIT_PER_MINUTE: '1000', // every request comes from 127.0.0.1
      };
      // Both at once on the empty database: they take turns at the migrations (advisory lock).
      const started = await Promise.allSettled([startServer(env), startServer(env)]);
      [a, b] = started.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
      for (const result of started) if (result.status === 'rejected') throw result.reason;
    }, 240_000);

    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await database?.drop();
      if (redis) {
        await deleteKeys(redis, prefix);
        await redis.quit();
      }
    });

    // On failure, what the servers logged (LOG_LEVEL=warn) tells why.
    beforeEach(({ onTestFailed }) => {
      onTestFailed(() => {
        console.error(`server A:\n${a?.output() ?? ''}\nserver B:\n${b?.output() ?? ''}`);
      });
    });

    function call(
      server: ServerProcess | undefined,
      path: string,
      init: { method?: string; headers?: Record<string, string>; body?: string } = {},
    ) {
      if (!server) throw new Error('server not started');
      const json: Record<string, string> =
        init.body === undefined ? {} : { 'content-type': 'application/json' };
      return fetch(`${server.url}/api/v1${path}`, {
        ...init,
        headers: { ...json, ...init.headers },
      });
    }

    async function signUp(server: ServerProcess | undefined): Promise<string> {
      const email = newEmail();
      const response = await call(server, '/auth/signup', {
        method: 'POST',
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      expect(response.status).toBe(201);
      return email;
    }

    function login(server: ServerProcess | undefined, email: string, password = PASSWORD) {
      return call(server, '/auth/login', {
        method: 'POST',
        body: JSON.stringify({ username: email, password }),
      });
    }

    async function tokens(server: ServerProcess | undefined, email: string): Promise<Token> {
      const response = await login(server, email);
      expect(response.status).toBe(200);
      return response.json() as Promise<Token>;
    }

    function refresh(server: ServerProcess | undefined, refreshToken: string) {
      return call(server, '/auth/refresh', {
        method: 'POST',
        body: JSON.stringify({ refresh_token: refreshToken }),
      });
    }

    function me(server: ServerProcess | undefined, accessToken: string) {
      return call(server, '/auth/me', { headers: bearer(accessToken) });
    }

    function expectRefused(response: Response) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    }

    async function expectInvalidGrant(response: Response) {
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
    }

    it('should report both ready, each reaching the database', async () => {
      for (const server of [a, b]) {
        const response = await fetch(`${server!.url}/health/ready`);
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({
          status: 'ok',
          info: { database: { status: 'up' } },
        });
      }
    });

    it('should accept on B an access token from a login on A', async () => {
      const email = await signUp(a);
      const token = await tokens(a, email);
      const response = await me(b, token.access_token);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ email });
      const sessions = await call(b, '/auth/sessions', { headers: bearer(token.access_token) });
      expect(await sessions.json()).toEqual([expect.objectContaining({ current: true })]);
    });

    it('should refresh on B a session begun on A, and the new tokens work on A', async () => {
      const email = await signUp(b);
      const first = await tokens(a, email);
      const response = await refresh(b, first.refresh_token);
      expect(response.status).toBe(200);
      const next = (await response.json()) as Token;
      expect(next.refresh_token).not.toBe(first.refresh_token);
      expect((await me(a, next.access_token)).status).toBe(200);
      expect((await refresh(a, next.refresh_token)).status).toBe(200);
    });

    it('should refuse on B, at once, a token whose session was logged out on A', async () => {
      const email = await signUp(a);
      const token = await tokens(b, email);
      expect((await me(b, token.access_token)).status).toBe(200);
      const logout = await call(a, '/auth/logout', {
        method: 'POST',
        headers: bearer(token.access_token),
      });
      expect(logout.status).toBe(204);
      expectRefused(await me(b, token.access_token));
      await expectInvalidGrant(await refresh(b, token.refresh_token));
    });

    it('should give concurrent refreshes on A and B of one token the same successor', async () => {
      const email = await signUp(a);
      const first = await tokens(a, email);
      const [onA, onB] = await Promise.all([
        refresh(a, first.refresh_token),
        refresh(b, first.refresh_token),
      ]);
      expect([onA.status, onB.status]).toEqual([200, 200]);
      const [fromA, fromB] = (await Promise.all([onA.json(), onB.json()])) as Token[];
      expect(fromA!.refresh_token).toBe(fromB!.refresh_token);
    });

    it('should end the session everywhere when B sees a token A rotated, after the grace window', async () => {
      const email = await signUp(b);
      const first = await tokens(a, email);
      const rotated = await refresh(a, first.refresh_token);
      expect(rotated.status).toBe(200);
      const second = (await rotated.json()) as Token;
      expect((await me(b, second.access_token)).status).toBe(200);

      await new Promise((resolve) => setTimeout(resolve, GRACE_SECONDS * 1000 + 500));
      await expectInvalidGrant(await refresh(b, first.refresh_token));

      expectRefused(await me(a, second.access_token));
      expectRefused(await me(b, second.access_token));
      await expectInvalidGrant(await refresh(a, second.refresh_token));
    });

    it('should lock an account after failed logins made on A and B together, on both', async () => {
      const email = await signUp(a);
      for (let i = 0; i < MAX_FAILURES; i++) {
        const response = await login(i % 2 ? b : a, email, WRONG);
        expect({ i, status: response.status }).toEqual({ i, status: 400 });
      }
      for (const server of [a, b]) {
        const locked = await login(server, email);
        expect(locked.status).toBe(429);
        expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
        expect(await locked.json()).toEqual({
          error: 'invalid_request',
          error_description: 'Too many failed logins for this account: try again later.',
        });
      }
      const other = await signUp(b);
      expect((await login(a, other)).status).toBe(200);
    });

    it('should count the failures again from zero on both after a correct password on one', async () => {
      const email = await signUp(b);
      for (let i = 0; i < MAX_FAILURES - 1; i++) await login(i % 2 ? a : b, email, WRONG);
      expect((await login(b, email)).status).toBe(200);
      for (let i = 0; i < MAX_FAILURES; i++) {
        const response = await login(a, email, WRONG);
        expect({ i, status: response.status }).toEqual({ i, status: 400 });
      }
      expect((await login(b, email)).status).toBe(429);
    });
  },
);
