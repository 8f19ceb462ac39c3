import { Logger } from '@nestjs/common';
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import { FallbackThrottlerStorage, RedisHealth } from './redis-fallback.js';

const MINUTE = 60_000;

/** Redis as RedisHealth sees it: fails while `down` is true, and counts the calls. */
function flakyRedis() {
  const redis = {
    down: true,
    calls: 0,
    command: () => {
      redis.calls++;
      return redis.down
        ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'))
        : Promise.resolve('shared');
    },
  };
  return redis;
}

const local = () => Promise.resolve('local');

describe('RedisHealth', () => {
  let warn: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.useRealTimers();
    warn.mockRestore();
  });

  it('should warn once per outage, try Redis once per 5 s meanwhile, and say when it is back', async () => {
    const redis = flakyRedis();
    const health = new RedisHealth();
    for (let i = 0; i < 10; i++)
      await expect(health.run(redis.command, local)).resolves.toBe('local');
    expect(redis.calls).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(
      /^Redis is unreachable \(connect ECONNREFUSED .*\): rate limits count in this instance's memory/,
    );

    vi.advanceTimersByTime(5_000);
    await health.run(redis.command, local);
    expect(redis.calls).toBe(2);
    expect(warn).toHaveBeenCalledTimes(1);

    redis.down = false;
    vi.advanceTimersByTime(5_000);
    await expect(health.run(redis.command, local)).resolves.toBe('shared');
    expect(redis.calls).toBe(3);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[1]![0]).toBe(
      'Redis answers again after 10 s: rate limits are shared again',
    );
    await health.run(redis.command, local);
    expect(redis.calls).toBe(4);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('should try Redis at once after the client reconnected', async () => {
    const redis = flakyRedis();
    const health = new RedisHealth();
    await health.run(redis.command, local);
    redis.down = false;
    health.reconnected();
    await expect(health.run(redis.command, local)).resolves.toBe('shared');
    expect(redis.calls).toBe(2);
  });
});

describe('FallbackThrottlerStorage', () => {
  it("should answer from this instance's memory when Redis fails, and stop that memory's sweep at shutdown", async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const failing: ThrottlerStorage = {
      increment: () => Promise.reject(new Error('Command timed out')),
    };
    const local = new ThrottlerStorageService();
    const shutdown = vi.spyOn(local, 'onApplicationShutdown');
    const storage = new FallbackThrottlerStorage(failing, local, new RedisHealth());
    try {
      await expect(storage.increment('ip', MINUTE, 1, 0, 'default')).resolves.toMatchObject({
        totalHits: 1,
        isBlocked: false,
      });
      await expect(storage.increment('ip', MINUTE, 1, 0, 'default')).resolves.toMatchObject({
        isBlocked: true,
      });
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      storage.onApplicationShutdown();
      warn.mockRestore();
    }
    expect(shutdown).toHaveBeenCalled();
  });
});
