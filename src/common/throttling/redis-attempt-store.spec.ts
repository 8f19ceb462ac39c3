import type { Redis } from 'ioredis';
import {
  connectTestRedis,
  deleteKeys,
  keysUnder,
  testKeyPrefix,
} from '../../../test/helpers/redis.js';
import { RedisAttemptStore } from './redis-attempt-store.js';

// The behaviour both stores share is in attempt-store.spec.ts; this is what only Redis has.
describe('RedisAttemptStore', () => {
  const prefix = testKeyPrefix();
  let client: Redis;
  let admin: Redis;

  beforeAll(async () => {
    client = await connectTestRedis(prefix);
    admin = await connectTestRedis();
  });
  afterEach(async () => {
    await deleteKeys(admin, prefix);
  });
  afterAll(async () => {
    expect(await deleteKeys(admin, prefix)).toBe(0);
    await Promise.all([client.quit(), admin.quit()]);
  });

  it("should time attempts on Redis's own clock when no clock is given", async () => {
    const store = new RedisAttemptStore(client);
    await expect(store.take('k', 1, 1_500)).resolves.toBe(0);
    const wait = await store.take('k', 1, 1_500);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    await expect(store.take('k', 1, 1_500)).resolves.toBe(0);
  });

  it('should keep one hashed key per counted name under the prefix, expiring with its window', async () => {
    const store = new RedisAttemptStore(client);
    await store.take('login:ada@example.com', 3, 60_000);
    await store.take('login:ada@example.com', 3, 60_000);

    const keys = await keysUnder(admin, prefix);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^${prefix}attempts:[\\w-]{43}$`));
    expect(keys[0]).not.toContain('ada');
    expect(await admin.zcard(keys[0]!)).toBe(2);
    const ttl = await admin.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);

    await store.clear('login:ada@example.com');
    expect(await keysUnder(admin, prefix)).toEqual([]);
  });

  it('should share counts between two clients, as two instances do', async () => {
    const other = await connectTestRedis(prefix);
    try {
      const a = new RedisAttemptStore(client);
      const b = new RedisAttemptStore(other);
      await expect(a.take('k', 2, 60_000)).resolves.toBe(0);
      await expect(b.take('k', 2, 60_000)).resolves.toBe(0);
      await expect(a.take('k', 2, 60_000)).resolves.toBeGreaterThan(0);
      await b.clear('k');
      await expect(a.take('k', 2, 60_000)).resolves.toBe(0);
    } finally {
      await other.quit();
    }
  });

  it('should reject when Redis cannot be reached, leaving the choice to its caller', async () => {
    const store = new RedisAttemptStore(client);
    const closed = await connectTestRedis(prefix);
    await closed.quit();
    await expect(new RedisAttemptStore(closed).take('k', 1, 60_000)).rejects.toThrow();
    await expect(store.take('k', 1, 60_000)).resolves.toBe(0);
  });
});
