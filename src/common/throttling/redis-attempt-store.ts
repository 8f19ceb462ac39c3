import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AttemptStore } from './attempt-store.js';

// KEYS[1]: a sorted set of attempt times (ms). ARGV: window ms, limit, now ms ('' = Redis's own
// clock), a unique member. MemoryAttemptStore's rules in one atomic step: a refused attempt is not
// counted; it answers the ms until the attempt that would make room leaves the window, else 0.
const TAKE = `
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  return tonumber(oldest[2]) + window - now
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return 0
`;

/**
 * The attempts of every instance in one Redis (keys under the client's keyPrefix). Times come from
 * Redis's clock, so instances whose clocks differ still share one window. Redis errors are thrown:
 * FallbackAttemptStore decides what an outage means.
 */
export class RedisAttemptStore extends AttemptStore {
  /** `clock` replaces Redis's clock (tests that move time); production leaves it unset. */
  constructor(
    private readonly redis: Redis,
    private readonly clock?: () => number,
  ) {
    super();
  }

  async take(key: string, limit: number, windowMs: number): Promise<number> {
    const now = this.clock ? String(this.clock()) : '';
    const waitMs = Number(
      await this.redis.eval(TAKE, 1, redisKey(key), windowMs, limit, now, randomUUID()),
    );
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
  }

  async clear(key: string): Promise<void> {
    await this.redis.del(redisKey(key));
  }
}

// Keys are hashed: an account's email address has no business in Redis (nor in its SCAN output).
function redisKey(key: string): string {
  return `attempts:${createHash('sha256').update(key).digest('base64url')}`;
}
