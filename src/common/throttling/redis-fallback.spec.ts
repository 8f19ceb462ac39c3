import { Logger } from '@nestjs/common';
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import { AttemptStore, MemoryAttemptStore } from './attempt-store.js';
import { FallbackAttemptStore, FallbackThrottlerStorage, RedisHealth } from './redis-fallback.js';

const MINUTE = 60_000;

/** A shared store that fails while `down` is true and counts its calls. */
class FlakyStore extends AttemptStore {
  down = true;
  calls = 0;
  readonly inner = new MemoryAttemptStore();

  take(key: string, limit: number, windowMs: number): Promise<number> {
    this.calls++;
    if (this.down) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    return this.inner.take(key, limit, windowMs);
  }

  clear(key: string): Promise<void> {
    this.calls++;
    if (this.down) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    return this.inner.clear(key);
  }
}

describe('FallbackAttemptStore', () => {
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

  it("should count in this instance's memory while Redis fails, still enforcing the limit", async () => {
    const shared = new FlakyStore();
    const store = new FallbackAttemptStore(shared, new MemoryAttemptStore(), new RedisHealth());
    for (let i = 0; i < 3; i++) await expect(store.take('k', 3, MINUTE)).resolves.toBe(0);
    await expect(store.take('k', 3, MINUTE)).resolves.toBe(60);
    await store.clear('k');
    await expect(store.take('k', 3, MINUTE)).resolves.toBe(0);
  });

  it('should warn once per outage, try Redis once per 5 s meanwhile, and say when it is back', async () => {
    const shared = new FlakyStore();
    const store = new FallbackAttemptStore(shared, new MemoryAttemptStore(), new RedisHealth());
    for (let i = 0; i < 10; i++) await store.take(`k${i}`, 3, MINUTE);
    expect(shared.calls).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(
      /^Redis is unreachable \(connect ECONNREFUSED .*\): rate limits count in this instance's memory/,
    );

    vi.advanceTimersByTime(5_000);
    await store.take('k', 3, MINUTE);
    expect(shared.calls).toBe(2);
    expect(warn).toHaveBeenCalledTimes(1);

    shared.down = false;
    vi.advanceTimersByTime(5_000);
    await expect(store.take('k', 3, MINUTE)).resolves.toBe(0);
    expect(shared.calls).toBe(3);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[1]![0]).toBe(
      'Redis answers again after 10 s: rate limits are shared again',
    );
    await store.take('k', 3, MINUTE);
    expect(shared.calls).toBe(4);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('should try Redis at once after the client reconnected', async () => {
    const shared = new FlakyStore();
    const health = new RedisHealth();
    const store = new FallbackAttemptStore(shared, new MemoryAttemptStore(), health);
    await store.take('k', 3, MINUTE);
    shared.down = false;
    health.reconnected();
    await store.take('k', 3, MINUTE);
    expect(shared.calls).toBe(2);
    expect(await shared.inner.take('k', 1, MINUTE)).toBeGreaterThan(0);
  });

  it('should clear both stores, and not fail when only Redis does', async () => {
    const shared = new FlakyStore();
    shared.down = false;
    const local = new MemoryAttemptStore();
    const store = new FallbackAttemptStore(shared, local, new RedisHealth());
    await shared.inner.take('k', 1, MINUTE);
    await local.take('k', 1, MINUTE);
    await store.clear('k');
    await expect(shared.inner.take('k', 1, MINUTE)).resolves.toBe(0);
    await expect(local.take('k', 1, MINUTE)).resolves.toBe(0);

    shared.down = true;
    await local.take('j', 1, MINUTE);
    await expect(store.clear('j')).resolves.toBeUndefined();
    await expect(local.take('j', 1, MINUTE)).resolves.toBe(0);
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
