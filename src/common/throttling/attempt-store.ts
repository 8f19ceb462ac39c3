/**
 * Counts attempts per key in a sliding window. The in-memory store below serves one process;
 * RedisAttemptStore shares the counts between instances (REDIS_URL, see RateLimitStorage).
 */
export abstract class AttemptStore {
  /**
   * Counts one attempt for `key` unless `limit` attempts already fall within the last `windowMs`.
   * Resolves to 0 when counted, else to the seconds until the oldest attempt leaves the window.
   */
  abstract take(key: string, limit: number, windowMs: number): Promise<number>;

  /** Forgets every attempt of `key`. */
  abstract clear(key: string): Promise<void>;
}

const SWEEP_INTERVAL_MS = 60_000;

/** One process's attempts: expired keys are swept, and at most `maxKeys` are kept. */
export class MemoryAttemptStore extends AttemptStore {
  // key → expiry times of its attempts, oldest first; the Map keeps least recently used first.
  private readonly attempts = new Map<string, number[]>();
  private nextSweep = 0;

  constructor(private readonly maxKeys = 100_000) {
    super();
  }

  get size(): number {
    return this.attempts.size;
  }

  take(key: string, limit: number, windowMs: number): Promise<number> {
    const now = Date.now();
    const live = (this.attempts.get(key) ?? []).filter((expiresAt) => expiresAt > now);
    this.attempts.delete(key);
    if (live.length >= limit) {
      this.attempts.set(key, live);
      return Promise.resolve(Math.max(1, Math.ceil((live[live.length - limit]! - now) / 1000)));
    }
    live.push(now + windowMs);
    this.attempts.set(key, live);
    this.sweep(now);
    return Promise.resolve(0);
  }

  clear(key: string): Promise<void> {
    this.attempts.delete(key);
    return Promise.resolve();
  }

  private sweep(now: number): void {
    if (now >= this.nextSweep) {
      this.nextSweep = now + SWEEP_INTERVAL_MS;
      for (const [key, expiries] of this.attempts) {
        if (expiries[expiries.length - 1]! <= now) this.attempts.delete(key);
      }
    }
    // Too many live keys (a flood of distinct ones): the least recently used go first.
    for (const key of this.attempts.keys()) {
      if (this.attempts.size <= this.maxKeys) break;
      this.attempts.delete(key);
    }
  }
}
