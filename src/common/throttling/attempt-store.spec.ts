import type { Redis } from 'ioredis';
import { connectTestRedis, deleteKeys, testKeyPrefix } from '../../../test/helpers/redis.js';
import { AttemptStore, MemoryAttemptStore } from './attempt-store.js';
import { RedisAttemptStore } from './redis-attempt-store.js';

const MINUTE = 60_000;

/** Each implementation, on a clock the tests move (Date is faked; Redis gets it as an argument). */
interface Implementation {
  name: string;
  setUp(): Promise<void>;
  create(): AttemptStore;
  reset(): Promise<void>;
  tearDown(): Promise<void>;
}

const memory: Implementation = {
  name: 'MemoryAttemptStore',
  setUp: () => Promise.resolve(),
  create: () => new MemoryAttemptStore(),
  reset: () => Promise.resolve(),
  tearDown: () => Promise.resolve(),
};

function redisImplementation(): Implementation {
  const prefix = testKeyPrefix();
  let client: Redis;
  let admin: Redis;
  return {
    name: 'RedisAttemptStore',
    async setUp() {
      client = await connectTestRedis(prefix);
      admin = await connectTestRedis();
    },
    create: () => new RedisAttemptStore(client, () => Date.now()),
    reset: async () => {
      await deleteKeys(admin, prefix);
    },
    async tearDown() {
      await deleteKeys(admin, prefix);
      await Promise.all([client.quit(), admin.quit()]);
    },
  };
}

describe.each([memory, redisImplementation()])('$name', (implementation) => {
  beforeAll(() => implementation.setUp());
  afterAll(() => implementation.tearDown());
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
  });
  afterEach(async () => {
    vi.useRealTimers();
    await implementation.reset();
  });

  it('should count attempts up to the limit, then answer the seconds until the oldest leaves the window', async () => {
    const store = implementation.create();
    await expect(store.take('k', 2, MINUTE)).resolves.toBe(0);
    vi.advanceTimersByTime(20_000);
    await expect(store.take('k', 2, MINUTE)).resolves.toBe(0);
    await expect(store.take('k', 2, MINUTE)).resolves.toBe(40);
    vi.advanceTimersByTime(39_500);
    await expect(store.take('k', 2, MINUTE)).resolves.toBe(1);
  });

  it('should free one slot when the oldest attempt leaves the window, not reset them all', async () => {
    const store = implementation.create();
    await store.take('k', 2, MINUTE);
    vi.advanceTimersByTime(30_000);
    await store.take('k', 2, MINUTE);
    vi.advanceTimersByTime(30_000);
    await expect(store.take('k', 2, MINUTE)).resolves.toBe(0);
    await expect(store.take('k', 2, MINUTE)).resolves.toBe(30);
  });

  it('should not count a refused attempt, so refusals do not extend the wait', async () => {
    const store = implementation.create();
    await store.take('k', 1, MINUTE);
    for (let i = 0; i < 5; i++)
      await expect(store.take('k', 1, MINUTE)).resolves.toBeGreaterThan(0);
    vi.advanceTimersByTime(MINUTE);
    await expect(store.take('k', 1, MINUTE)).resolves.toBe(0);
  });

  it('should keep keys apart and forget a cleared key', async () => {
    const store = implementation.create();
    await store.take('a', 1, MINUTE);
    await expect(store.take('b', 1, MINUTE)).resolves.toBe(0);
    await store.clear('a');
    await expect(store.take('a', 1, MINUTE)).resolves.toBe(0);
  });

  it('should count several attempts in one millisecond apart', async () => {
    const store = implementation.create();
    for (let i = 0; i < 3; i++) await expect(store.take('k', 3, MINUTE)).resolves.toBe(0);
    await expect(store.take('k', 3, MINUTE)).resolves.toBe(60);
  });

  it('should count exactly `limit` of many parallel attempts', async () => {
    const store = implementation.create();
    const answers = await Promise.all(Array.from({ length: 20 }, () => store.take('k', 5, MINUTE)));
    expect(answers.filter((answer) => answer === 0)).toHaveLength(5);
    expect(answers.filter((answer) => answer === 60)).toHaveLength(15);
  });
});

describe('MemoryAttemptStore housekeeping', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
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
