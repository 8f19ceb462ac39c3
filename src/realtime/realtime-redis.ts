import { once } from 'node:events';
import { setTimeout } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { rateLimitConfig, type RateLimitConfig } from '../config/configuration.js';

/**
 * With REDIS_URL, the connections real-time shares with the other instances: one for commands
 * (tickets, PUBLISH) and one that only listens (a subscribed connection can do nothing else).
 * Keys carry REDIS_KEY_PREFIX; channel names get it here, since ioredis prefixes keys only.
 */
@Injectable()
export class RealtimeRedis implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeRedis.name);
  commands: Redis | undefined;
  subscriber: Redis | undefined;
  private started: Promise<void> | undefined;

  constructor(@Inject(rateLimitConfig.KEY) private readonly config: RateLimitConfig) {}

  get enabled(): boolean {
    return this.config.redisUrl !== undefined;
  }

  channel(name: string): string {
    return `${this.config.redisKeyPrefix}${name}`;
  }

  /** Connects once, whoever asks first (the bus subscribes from its own onModuleInit). */
  start(): Promise<void> {
    return (this.started ??= this.connect());
  }

  onModuleInit(): Promise<void> {
    return this.start();
  }

  /** An unreachable Redis at start stops the start, as for the rate limits. */
  private async connect(): Promise<void> {
    const url = this.config.redisUrl;
    if (!url) return;
    const { Redis } = await import('ioredis'); // loaded only with REDIS_URL
    const common = {
      connectionName: 'recipe-api-realtime',
      lazyConnect: true,
      connectTimeout: 5_000,
    };
    // Commands fail at once during an outage rather than queue: a ticket then answers 503.
    this.commands = new Redis(url, {
      ...common,
      keyPrefix: this.config.redisKeyPrefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 1_000,
    });
    // The listener reconnects and subscribes again by itself (ioredis autoResubscribe).
    this.subscriber = new Redis(url, common);
    for (const redis of [this.commands, this.subscriber]) this.reportOutages(redis);
    try {
      await Promise.all([this.commands.connect(), this.subscriber.connect()]);
    } catch (error) {
      this.commands.disconnect();
      this.subscriber.disconnect();
      throw new Error(`REDIS_URL: cannot connect to Redis (${(error as Error).message})`, {
        cause: error,
      });
    }
  }

  /** One warning when a connection is lost (ioredis retries every 2 s), one line when it is back. */
  private reportOutages(redis: Redis): void {
    let down = false;
    redis.on('error', (error: Error) => {
      if (down) return;
      down = true;
      this.logger.warn(`Real-time lost its Redis connection, retrying: ${error.message}`);
    });
    redis.on('ready', () => {
      if (down) this.logger.log('Real-time reconnected to Redis.');
      down = false;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const connections = [this.commands, this.subscriber].filter((redis) => redis !== undefined);
    await Promise.all(connections.map(quit));
  }
}

async function quit(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') return redis.disconnect();
  const ended = once(redis, 'end');
  await redis.quit().catch(() => redis.disconnect());
  await Promise.race([ended, setTimeout(2_000, undefined, { ref: false })]);
}
