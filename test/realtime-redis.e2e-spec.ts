import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createUser } from './helpers/factories.js';
import { TcpProxy } from './helpers/net.js';
import { connectTestRedis, deleteKeys, TEST_REDIS_URL, testKeyPrefix } from './helpers/redis.js';
import { openAuthenticated, openSocket, type TestSocket } from './realtime-client.js';

/**
 * GET /ws with REDIS_URL (through a proxy this spec can cut): tickets are kept in Redis under
 * their hash, and an instance that was cut off from Redis checks its sockets' sessions again
 * when it is back, for the revocations it could not hear.
 */
describe('GET /ws with Redis (e2e)', () => {
  const prefix = testKeyPrefix();
  const target = new URL(TEST_REDIS_URL);
  const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  let redis: Redis;
  let t: TestApp;
  let url: string;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    redis = await connectTestRedis();
    await proxy.listen();
    t = await createTestApp({
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_KEY_PREFIX: prefix,
    });
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t?.close();
    await proxy.stop();
    delete process.env.REDIS_URL;
    delete process.env.REDIS_KEY_PREFIX;
    if (redis) {
      await deleteKeys(redis, prefix);
      await redis.quit();
    }
  });

  it('should keep a ticket in Redis under its SHA-256 for 30 s, and spend it on use', async () => {
    const user = await createUser(t);
    const response = await t.request({
      method: 'POST',
      url: '/api/v1/auth/ws-ticket',
      headers: user.auth,
    });
    const { ticket } = response.json<{ ticket: string }>();
    const key = `${prefix}ws-ticket:${createHash('sha256').update(ticket).digest('hex')}`;
    expect(await redis.ttl(key)).toBeGreaterThan(25);
    expect(await redis.ttl(key)).toBeLessThanOrEqual(30);
    expect(await redis.get(key)).not.toContain(ticket);
    const socket = await openSocket(url, { ticket });
    sockets.push(socket);
    await socket.next('authenticated', true);
    expect(await redis.exists(key)).toBe(0);
  });

  it('should close, once Redis is back, a socket whose session ended while it was away', async () => {
    const user = await createUser(t);
    const socket = await openAuthenticated(url, user.token);
    sockets.push(socket);
    const [{ session_id }] = await t.sql<{ session_id: string }[]>(
      'SELECT id AS session_id FROM sessions WHERE user_id = ?',
      [user.id],
    );
    await proxy.stop();
    // Another instance revoked it meanwhile: its message could not reach this one.
    await t.sql('UPDATE sessions SET revoked_at = ? WHERE id = ?', [new Date(), session_id]);
    await proxy.listen();
    await expect(socket.closed).resolves.toEqual({ code: 4401, reason: 'The session has ended.' });
  });
});
