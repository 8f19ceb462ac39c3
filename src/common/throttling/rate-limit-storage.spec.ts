import { once } from 'node:events';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { freePort } from '../../../test/helpers/net.js';
import {
  TEST_REDIS_URL,
  connectTestRedis,
  deleteKeys,
  keysUnder,
  RedisProxy,
  testKeyPrefix,
} from '../../../test/helpers/redis.js';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitStorage } from './rate-limit-storage.js';

const MINUTE = 60_000;

describe('RateLimitStorage', () => {
  const prefix = testKeyPrefix();
  let admin: Redis;
  let warn: ReturnType<typeof vi.spyOn>;

  beforeAll(async () => {
    admin = await connectTestRedis();
  });
  beforeEach(() => {
    warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    warn.mockRestore();
    await deleteKeys(admin, prefix);
  });
  afterAll(async () => {
    await admin.quit();
  });

  it('should keep both limits in memory without REDIS_URL', async () => {
    const storage = await RateLimitStorage.create({ redisUrl: undefined, redisKeyPrefix: prefix });
    expect(storage.attempts(3, MINUTE)).toBeInstanceOf(RateLimiterMemory);
    expect(storage.throttler).toBeUndefined();
    expect(storage.redis).toBeUndefined();
    await expect(storage.onApplicationShutdown()).resolves.toBeUndefined();
  });

  it('should refuse to start when Redis cannot be reached, naming REDIS_URL but not its password', async () => {
    const port = await freePort();
    const start = RateLimitStorage.create({
      redisUrl: `redis://:hunter2-secret@127.0.0.1:${port}/0`,
      redisKeyPrefix: prefix,
    });
    await expect(start).rejects.toThrow(
      new RegExp(
        `^REDIS_URL: cannot connect to Redis at redis://127\\.0\\.0\\.1:${port} \\(connect ECONNREFUSED`,
      ),
    );
    await expect(start).rejects.not.toThrow(/hunter2/);
  });

  it('should count both limits under REDIS_KEY_PREFIX and close the connection at shutdown', async () => {
    const storage = await RateLimitStorage.create({
      redisUrl: TEST_REDIS_URL,
      redisKeyPrefix: prefix,
    });
    expect(storage.attempts(3, MINUTE)).toBeInstanceOf(RateLimiterRedis);
    await storage.attempts(3, MINUTE).consume('hashed-key');
    await storage.throttler!.increment('route-and-ip', MINUTE, 3, 0, 'default');
    const keys = await keysUnder(admin, prefix);
    expect(keys).toHaveLength(2);
    expect(keys.some((key) => key.startsWith(`${prefix}attempts:`))).toBe(true);
    expect(keys).toContain(`${prefix}{route-and-ip:default}:hits`);

    await storage.onApplicationShutdown();
    expect(storage.redis!.status).toBe('end');
    await expect(storage.onApplicationShutdown()).resolves.toBeUndefined();
  });

  it('should fall back to memory at once while Redis is down, and share again when it is back', async () => {
    const proxy = await RedisProxy.start();
    const storage = await RateLimitStorage.create({ redisUrl: proxy.url, redisKeyPrefix: prefix });
    try {
      const attempts = storage.attempts(2, MINUTE);
      await expect(attempts.consume('k')).resolves.toMatchObject({ consumedPoints: 1 });
      const [key] = await keysUnder(admin, prefix);
      expect(key).toBe(`${prefix}attempts:k`);
      expect(await admin.get(key!)).toBe('1');

      await proxy.stop();
      await expect(attempts.consume('k')).resolves.toMatchObject({ consumedPoints: 1 });
      await expect(attempts.consume('k')).resolves.toMatchObject({ consumedPoints: 2 });
      const refused = attempts.consume('k'); // the local limit holds
      await expect(refused).rejects.toBeInstanceOf(RateLimiterRes);
      await expect(refused).rejects.toMatchObject({ msBeforeNext: expect.any(Number) as number });
      await expect(
        storage.throttler!.increment('ip', MINUTE, 1, 0, 'default'),
      ).resolves.toMatchObject({ isBlocked: false });
      expect(await admin.get(key!)).toBe('1');
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^Redis is unreachable/));

      const ready = once(storage.redis!, 'ready');
      await proxy.listen();
      await ready;
      await expect(attempts.consume('k')).resolves.toMatchObject({ consumedPoints: 2 });
      expect(await admin.get(key!)).toBe('2');
      expect(warn).toHaveBeenLastCalledWith(expect.stringMatching(/^Redis answers again/));
    } finally {
      await storage.onApplicationShutdown();
      await proxy.stop();
    }
    expect(storage.redis!.status).toBe('end');
  });

  it('should stop reconnecting at shutdown while Redis is down', async () => {
    const proxy = await RedisProxy.start();
    const storage = await RateLimitStorage.create({ redisUrl: proxy.url, redisKeyPrefix: prefix });
    try {
      const reconnecting = once(storage.redis!, 'reconnecting');
      await proxy.stop();
      await reconnecting;
      await storage.onApplicationShutdown();
      await proxy.listen();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(storage.redis!.status).not.toBe('ready');
    } finally {
      await proxy.stop();
    }
  });
});
