import { MemoryAttemptStore } from './attempt-store.js';

const MINUTE = 60_000;

describe('MemoryAttemptStore', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('should count attempts up to the limit, then answer the seconds until the oldest leaves the window', async () => {
    const store = new MemoryAttemptStore();
    await expect(store.take('k', 2, MINUTE)).resolves.toBe(0);
    vi.advanceTimersByTime(20_000);
    await expect(store.take('k', 2, MINUTE)).resolves.toBe(0);
    await expect(store.take('k', 2, MINUTE)).resolves.toBe(40);
    vi.advanceTimersByTime(39_500);
    await expect(store.take('k', 2, MINUTE)).resolves.toBe(1);
  });

  it('should free one slot when the oldest attempt leaves the window, not reset them all', async () => {
    const store = new MemoryAttemptStore();
    await store.take('k', 2, MINUTE);
    vi.advanceTimersByTime(30_000);
    await store.take('k', 2, MINUTE);
    vi.advanceTimersByTime(30_000);
    await expect(store.take('k', 2, MINUTE)).resolves.toBe(0);
    await expect(store.take('k', 2, MINUTE)).resolves.toBe(30);
  });

  it('should not count a refused attempt, so refusals do not extend the wait', async () => {
    const store = new MemoryAttemptStore();
    await store.take('k', 1, MINUTE);
    for (let i = 0; i < 5; i++)
      await expect(store.take('k', 1, MINUTE)).resolves.toBeGreaterThan(0);
    vi.advanceTimersByTime(MINUTE);
    await expect(store.take('k', 1, MINUTE)).resolves.toBe(0);
  });

  it('should keep keys apart and forget a cleared key', async () => {
    const store = new MemoryAttemptStore();
    await store.take('a', 1, MINUTE);
    await expect(store.take('b', 1, MINUTE)).resolves.toBe(0);
    await store.clear('a');
    await expect(store.take('a', 1, MINUTE)).resolves.toBe(0);
  });

  it('should sweep keys whose attempts have all expired', async () => {
    const store = new MemoryAttemptStore();
    for (let i = 0; i < 50; i++) await store.take(`old-${i}`, 3, MINUTE);
    vi.advanceTimersByTime(2 * MINUTE);
    await store.take('new', 3, MINUTE);
    expect(store.size).toBe(1);
  });

  it('should hold at most maxKeys keys, dropping the least recently used first', async () => {
    const store = new MemoryAttemptStore(3);
    await store.take('a', 1, MINUTE);
    await store.take('b', 1, MINUTE);
    await store.take('c', 1, MINUTE);
    await store.take('a', 1, MINUTE); // refused, but touches a
    await store.take('d', 1, MINUTE);
    expect(store.size).toBe(3);
    await expect(store.take('b', 1, MINUTE)).resolves.toBe(0); // b was dropped
    await expect(store.take('a', 1, MINUTE)).resolves.toBeGreaterThan(0);
  });
});
