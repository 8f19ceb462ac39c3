import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createTestDatabase, testEngine, type TestDatabase } from './helpers/database.js';
import { bearer, newEmail, PASSWORD } from './helpers/factories.js';
import { connectTestRedis, deleteKeys, TEST_REDIS_URL, testKeyPrefix } from './helpers/redis.js';
import { ensureBuilt, startServer, type ServerProcess } from './helpers/server-process.js';
import { openAuthenticated, openSocket, type TestSocket } from './realtime-client.js';

/**
 * GET /ws across two built server processes (`node dist/main.js`) sharing one PostgreSQL and one
 * Redis: events and revocations made on one instance reach the sockets of the other, and a
 * ticket issued by one is accepted, once, by the other. PostgreSQL only (`npm run test:pg`).
 */
describe.skipIf(testEngine !== 'postgres')(
  'GET /ws on two server processes with one PostgreSQL and one Redis (e2e; npm run test:pg)',
  () => {
    const prefix = testKeyPrefix();
    let database: TestDatabase | undefined;
    let redis: Redis;
    let a: ServerProcess;
    let b: ServerProcess;
    const sockets: TestSocket[] = [];

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
        AUTH_RATE_LIMIT_PER_MINUTE: '1000', // every request comes from 127.0.0.1
      };
      const started = await Promise.allSettled([startServer(env), startServer(env)]);
      for (const result of started) if (result.status === 'rejected') throw result.reason;
      [a, b] = started.map((result) => (result as PromiseFulfilledResult<ServerProcess>).value) as [
        ServerProcess,
        ServerProcess,
      ];
    }, 240_000);

    afterAll(async () => {
      for (const socket of sockets) socket.close();
      await Promise.all([a?.stop(), b?.stop()]);
      await database?.drop();
      if (redis) {
        await deleteKeys(redis, prefix);
        await redis.quit();
      }
    });

    beforeEach(({ onTestFailed }) => {
      onTestFailed(() => console.error(`server A:\n${a?.output()}\nserver B:\n${b?.output()}`));
    });

    function call(
      server: ServerProcess,
      path: string,
      init: { method?: string; headers?: Record<string, string>; body?: string } = {},
    ) {
      const json: Record<string, string> =
        init.body === undefined ? {} : { 'content-type': 'application/json' };
      return fetch(`${server.url}/api/v1${path}`, {
        ...init,
        headers: { ...json, ...init.headers },
      });
    }

    /** A new user signed up and logged in on `server`: their access token. */
    async function loggedIn(server: ServerProcess): Promise<string> {
      const email = newEmail();
      const signup = await call(server, '/auth/signup', {
        method: 'POST',
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      expect(signup.status).toBe(201);
      const login = await call(server, '/auth/login', {
        method: 'POST',
        body: JSON.stringify({ username: email, password: PASSWORD }),
      });
      expect(login.status).toBe(200);
      return ((await login.json()) as { access_token: string }).access_token;
    }

    async function socketOn(server: ServerProcess, token: string): Promise<TestSocket> {
      const socket = await openAuthenticated(server.url, token);
      sockets.push(socket);
      return socket;
    }

    it('should deliver a recipe created on A to a socket on B', async () => {
      const token = await loggedIn(a);
      const listener = await socketOn(b, await loggedIn(b));
      const event = listener.next('recipe.created');
      const created = await call(a, '/recipes', {
        method: 'POST',
        headers: bearer(token),
        body: JSON.stringify({ label: 'Across instances' }),
      });
      expect(created.status).toBe(201);
      expect((await event).data).toEqual(await created.json());
    });

    it('should close a socket on B when its session logs out on A', async () => {
      const token = await loggedIn(a);
      const socket = await socketOn(b, token);
      const logout = await call(a, '/auth/logout', { method: 'POST', headers: bearer(token) });
      expect(logout.status).toBe(204);
      await expect(socket.closed).resolves.toEqual({
        code: 4401,
        reason: 'The session has ended.',
      });
      expect(socket.messages.at(-1)).toMatchObject({ type: 'session.revoked' });
    });

    it('should accept on B a ticket issued on A, once', async () => {
      const token = await loggedIn(a);
      const issued = await call(a, '/auth/ws-ticket', { method: 'POST', headers: bearer(token) });
      expect(issued.status).toBe(200);
      const { ticket } = (await issued.json()) as { ticket: string };
      const first = await openSocket(b.url, { ticket });
      sockets.push(first);
      await first.next('authenticated', true);
      const again = await openSocket(a.url, { ticket });
      sockets.push(again);
      await expect(again.closed).resolves.toEqual({
        code: 4401,
        reason: 'The ticket is invalid, used or expired.',
      });
    });

    // Last: it stops B.
    it('should close its sockets with 1001 when a server stops (SIGTERM)', async () => {
      const socket = await socketOn(b, await loggedIn(b));
      await b.stop();
      await expect(socket.closed).resolves.toEqual({
        code: 1001,
        reason: 'The server is shutting down: connect again.',
      });
    });
  },
);
