import { once } from 'node:events';
import { setTimeout } from 'node:timers/promises';
import type { OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import type { Redis, RedisOptions } from 'ioredis';
import type { RateLimitConfig } from '../../config/configuration.js';
import { AttemptStore, MemoryAttemptStore } from './attempt-store.js';
import { RedisAttemptStore } from './redis-attempt-store.js';
import { FallbackAttemptStore, FallbackThrottlerStorage, RedisHealth } from './redis-fallback.js';

/**
 * Where both limits count: this process's memory, or with REDIS_URL one Redis shared by every
 * instance (falling back to memory while it is unreachable; see RedisHealth).
 */
export class RateLimitStorage implements OnApplicationShutdown {
  private constructor(
    readonly attempts: AttemptStore,
    /** For ThrottlerModule's `storage`; undefined: its own in-memory storage. */
    readonly throttler: ThrottlerStorage | undefined,
    readonly redis: Redis | undefined,
  ) {}

  /** Connects to REDIS_URL when set; an unreachable Redis at start stops the start. */
  static async create(
    config: Pick<RateLimitConfig, 'redisUrl' | 'redisKeyPrefix'>,
  ): Promise<RateLimitStorage> {
    if (!config.redisUrl)
      return new RateLimitStorage(new MemoryAttemptStore(), undefined, undefined);
    // Loaded only with REDIS_URL: ioredis and the Redis throttler storage cost start time and memory.
    const [{ Redis }, { RedisThrottlerStorage }] = await Promise.all([
      import('ioredis'),
      import('./redis-throttler-storage.js'),
    ]);
    const redis = await connect(new Redis(config.redisUrl, redisOptions(config.redisKeyPrefix)), config.redisUrl);
    const health = new RedisHealth();
    redis.on('error', (error: Error) => health.failed(error));
    redis.on('ready', () => health.reconnected());
    return new RateLimitStorage(
      new FallbackAttemptStore(new RedisAttemptStore(redis), new MemoryAttemptStore(), health),
      new FallbackThrottlerStorage(
        new RedisThrottlerStorage(redis),
        new ThrottlerStorageService(),
        health,
      ),
      redis,
    );
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
