import { once } from 'node:events';
import { setTimeout } from 'node:timers/promises';
import type { OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import type { Redis, RedisOptions } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { RateLimitConfig } from '../../config/configuration.js';
import { FallbackThrottlerStorage, RedisHealth } from './redis-fallback.js';

/** The per-account limiter (a RateLimiterAbstract): ThrottlingModule provides it. */
export const ATTEMPT_LIMITER = Symbol('ATTEMPT_LIMITER');

/**
 * `points` attempts per key in a window of `windowMs` (fixed: it starts at the key's first
 * attempt). In `redis` when given, shared by every instance and timed by Redis's clock, with this
 * process's memory standing in, at once, while the connection is down; else in memory.
 */
export function attemptLimiter(
  points: number,
  windowMs: number,
  redis?: Redis,
): RateLimiterAbstract {
  const options = { points, duration: Math.ceil(windowMs / 1000), keyPrefix: 'attempts' };
  const memory = new RateLimiterMemory(options);
  if (!redis) return memory;
  return new RateLimiterRedis({
    ...options,
    storeClient: redis,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}

/**
 * Where both limits count: this process's memory, or with REDIS_URL one Redis shared by every
 * instance (falling back to memory while it is unreachable).
 */
export class RateLimitStorage implements OnApplicationShutdown {
  private constructor(
    /** For ThrottlerModule's `storage`; undefined: its own in-memory storage. */
    readonly throttler: ThrottlerStorage | undefined,
    readonly redis: Redis | undefined,
  ) {}

  /** Connects to REDIS_URL when set; an unreachable Redis at start stops the start. */
  static async create(
    config: Pick<RateLimitConfig, 'redisUrl' | 'redisKeyPrefix'>,
  ): Promise<RateLimitStorage> {
    if (!config.redisUrl) return new RateLimitStorage(undefined, undefined);
    // Loaded only with REDIS_URL: ioredis and the Redis throttler storage cost start time and memory.
    const [{ Redis }, { RedisThrottlerStorage }] = await Promise.all([
      import('ioredis'),
      import('./redis-throttler-storage.js'),
    ]);
    const redis = await connect(
      new Redis(config.redisUrl, redisOptions(config.redisKeyPrefix)),
      config.redisUrl,
    );
    const health = new RedisHealth();
    redis.on('error', (error: Error) => health.failed(error));
    redis.on('ready', () => health.reconnected());
    return new RateLimitStorage(
      new FallbackThrottlerStorage(
        new RedisThrottlerStorage(redis),
        new ThrottlerStorageService(),
        health,
      ),
      redis,
    );
  }

  /** The per-account limits (see attemptLimiter), shared through Redis with REDIS_URL. */
  attempts(points: number, windowMs: number): RateLimiterAbstract {
    return attemptLimiter(points, windowMs, this.redis);
  }

  async onApplicationShutdown(): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'end') return;
    if (redis.status !== 'ready') {
      redis.disconnect(); // stops reconnecting; there is no socket to wait for
      return;
    }
    // QUIT lets Redis answer what was sent, then the socket closes ('end').
    const ended = once(redis, 'end');
    await redis.quit().catch(() => redis.disconnect());
    await Promise.race([ended, setTimeout(2_000, undefined, { ref: false })]);
  }
}

function redisOptions(keyPrefix: string): RedisOptions {
  return {
    keyPrefix,
    connectionName: 'recipe-api',
    lazyConnect: true,
    connectTimeout: 5_000,
    // An outage must not hold requests: no queue while disconnected, no retries, a bounded wait.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1_000,
  };
}

async function connect(redis: Redis, url: string): Promise<Redis> {
  let lastError: Error | undefined;
  const remember = (error: Error) => {
    lastError = error;
  };
  redis.on('error', remember);
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const reason = (lastError ?? (error as Error)).message;
    throw new Error(`REDIS_URL: cannot connect to Redis at ${where(url)} (${reason})`, {
      cause: error,
    });
  } finally {
    redis.off('error', remember);
  }
  return redis;
}

/** Scheme, host and port only: the URL may carry a password. */
function where(url: string): string {
  try {
    const { protocol, host } = new URL(url);
    return `${protocol}//${host}`;
  } catch {
    return 'the configured address';
  }
}
