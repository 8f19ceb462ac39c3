import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerStorageService } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import {
  connectTestRedis,
  deleteKeys,
  keysUnder,
  testKeyPrefix,
} from '../../../test/helpers/redis.js';
import { RedisThrottlerStorage } from './redis-throttler-storage.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RedisThrottlerStorage', () => {
  const prefix = testKeyPrefix();
  let client: Redis;
  let admin: Redis;
  let storage: RedisThrottlerStorage;

  beforeAll(async () => {
    client = await connectTestRedis(prefix);
    admin = await connectTestRedis();
    storage = new RedisThrottlerStorage(client);
  });
  afterEach(async () => {
    await deleteKeys(admin, prefix);
  });
  afterAll(async () => {
    await Promise.all([client.quit(), admin.quit()]);
  });

  it('should answer like the in-memory storage for blockDuration 0: refusals are not counted', async () => {
    const memory = new ThrottlerStorageService();
    try {
      for (let i = 0; i < 5; i++) {
        const [shared, local] = await Promise.all([
          storage.increment('ip', 60_000, 3, 0, 'default'),
          memory.increment('ip', 60_000, 3, 0, 'default'),
        ]);
        expect(shared).toEqual(local);
        expect(shared.isBlocked).toBe(i >= 3);
      }
    } finally {
      memory.onApplicationShutdown();
    }
    const [key] = await keysUnder(admin, prefix);
    expect(await admin.zcard(key!)).toBe(3);
  });

  it('should start with the whole window left, and answer a refusal with the wait for a free slot', async () => {
    await expect(storage.increment('ip', 60_000, 2, 0, 'default')).resolves.toEqual({
      totalHits: 1,
      timeToExpire: 60,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
    await storage.increment('ip', 60_000, 2, 0, 'default');
    const refused = await storage.increment('ip', 60_000, 2, 0, 'default');
    expect(refused).toMatchObject({ totalHits: 3, isBlocked: true });
    expect(refused.timeToBlockExpire).toBeGreaterThanOrEqual(59);
    expect(refused.timeToBlockExpire).toBeLessThanOrEqual(60);
    expect(refused.timeToExpire).toBe(refused.timeToBlockExpire);
  });

  it('should slide: a request is allowed again as soon as the oldest one leaves the window', async () => {
    // Margins of about a second either side, so a busy machine cannot flip an answer.
    const started = Date.now();
    await storage.increment('ip', 2_000, 2, 0, 'default');
    await sleep(1_000);
    await storage.increment('ip', 2_000, 2, 0, 'default');
    await expect(storage.increment('ip', 2_000, 2, 0, 'default')).resolves.toMatchObject({
      isBlocked: true,
      timeToBlockExpire: 1,
    });
    await sleep(started + 2_100 - Date.now());
    await expect(storage.increment('ip', 2_000, 2, 0, 'default')).resolves.toMatchObject({
      isBlocked: false,
      totalHits: 2,
    });
    await expect(storage.increment('ip', 2_000, 2, 0, 'default')).resolves.toMatchObject({
      isBlocked: true,
    });
  });

  it('should keep keys and throttler names apart, under the prefix, expiring with the window', async () => {
    await storage.increment('one', 60_000, 1, 0, 'default');
    await expect(storage.increment('two', 60_000, 1, 0, 'default')).resolves.toMatchObject({
      isBlocked: false,
    });
    await expect(storage.increment('one', 60_000, 1, 0, 'other')).resolves.toMatchObject({
      isBlocked: false,
    });
    const keys = await keysUnder(admin, prefix);
    expect(keys.sort()).toEqual(
      [
        `${prefix}{one:default}:hits`,
        `${prefix}{one:other}:hits`,
        `${prefix}{two:default}:hits`,
      ].sort(),
    );
    for (const key of keys) expect(await admin.pttl(key)).toBeGreaterThan(55_000);
  });

  describe("the package's own script, which this storage replaces", () => {
    let own: ThrottlerStorageRedisService;
    beforeAll(() => {
      own = new ThrottlerStorageRedisService(client);
    });

    it('should fail on the first refusal with blockDuration 0 (Redis refuses SET … PX 0), so every limited client would fall back to memory', async () => {
      await own.increment('ip', 60_000, 1, 0, 'default');
      await expect(own.increment('ip', 60_000, 1, 0, 'default')).rejects.toThrow(
        /invalid expire time/,
      );
    });

    it('should block a whole blockDuration from the refusal, past the end of the window, where ours answers the wait for a free slot', async () => {
      // Two requests 50 s ago: 10 s of the minute are left.
      await own.increment('own', 60_000, 2, 60_000, 'default');
      await own.increment('own', 60_000, 2, 60_000, 'default');
      await admin.pexpire(`${prefix}{own:default}:hits`, 10_000);
      await expect(own.increment('own', 60_000, 2, 60_000, 'default')).resolves.toMatchObject({
        isBlocked: true,
        timeToBlockExpire: 60,
      });

      const [seconds] = await admin.time();
      const fiftySecondsAgo = (Number(seconds) - 50) * 1000;
      await admin.zadd(`${prefix}{ours:default}:hits`, fiftySecondsAgo, 'a', fiftySecondsAgo, 'b');
      const refused = await storage.increment('ours', 60_000, 2, 0, 'default');
      expect(refused.isBlocked).toBe(true);
      expect(refused.timeToBlockExpire).toBeLessThanOrEqual(10);
    });
  });
});
