import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { TcpProxy } from './net.js';

/** The Redis the specs use: a local one unless TEST_REDIS_URL says otherwise. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of one spec's own, so parallel runs never see each other's counts. */
export function testKeyPrefix(): string {
  return `recipe-api-test:${randomUUID().slice(0, 8)}:`;
}

/** A client for the specs themselves (no key prefix); fails with a hint when Redis is not there. */
export async function connectTestRedis(keyPrefix?: string): Promise<Redis> {
  const redis = new Redis(TEST_REDIS_URL, {
    keyPrefix,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(
      `These specs need Redis at ${TEST_REDIS_URL} (set TEST_REDIS_URL): ${(error as Error).message}`,
      { cause: error },
    );
  }
  return redis;
}

/** Every key under `prefix` (SCAN, never KEYS). `redis` must have no keyPrefix. */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** Deletes every key under `prefix`; answers how many there were. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  const keys = await keysUnder(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
  return keys.length;
}

/** A proxy in front of the test Redis: an outage of Redis and its end, for one spec only. */
export class RedisProxy extends TcpProxy {
  static async start(): Promise<RedisProxy> {
    const target = new URL(TEST_REDIS_URL);
    const proxy = new RedisProxy({ host: target.hostname, port: Number(target.port || 6379) });
    await proxy.listen();
    return proxy;
  }

  /** TEST_REDIS_URL with this proxy's address. */
  get url(): string {
    const url = new URL(TEST_REDIS_URL);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }
}
