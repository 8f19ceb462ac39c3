import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';

// The package's own script counts a fixed window and then blocks for blockDuration, which must be
// above 0 (Redis refuses `SET … PX 0`). Ours keeps @nestjs/throttler's in-memory semantics for
// blockDuration 0, the setting ThrottlingModule uses: a sliding window in which a refused request
// is not counted, and the wait is until the request that would make room leaves it. Same call
// shape as the package's (KEYS: hits, block — unused; ARGV: name, ttl ms, limit, blockDuration) and
// the same answer: {totalHits, ms until the oldest hit leaves, blocked 0/1, ms until allowed}.
// Members are Redis's clock in µs plus the count, unique even for two calls in one microsecond.
const SLIDING_WINDOW = `
local ttl = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  local wait = tonumber(oldest[2]) + ttl - now
  return { count + 1, wait, 1, wait }
end
redis.call('ZADD', KEYS[1], now, time[1] .. '.' .. time[2] .. ':' .. count)
redis.call('PEXPIRE', KEYS[1], ttl)
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return { count + 1, tonumber(first[2]) + ttl - now, 0, 0 }
`;

/**
 * @nest-lab/throttler-storage-redis (its key layout, call and answer checks) on the sliding-window
 * script above; Redis's clock times every instance's requests. blockDuration is not used.
 */
export class RedisThrottlerStorage extends ThrottlerStorageRedisService {
  override getScriptSrc(): string {
    return SLIDING_WINDOW;
  }
}
