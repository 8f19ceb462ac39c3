import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { SessionsRevoked } from '../sessions/session.events.js';
import { RealtimeRedis } from './realtime-redis.js';

/** What every instance must hear: an event for the sockets, or sessions whose sockets must close. */
export type BusMessage =
  { kind: 'event'; message: string } | { kind: 'revoke'; target: SessionsRevoked['target'] };

const CHANNEL = 'realtime';

/**
 * Fan-out to every instance: a message is handled here at once and, with REDIS_URL, published
 * for the other instances (Redis pub/sub; each skips its own). Without Redis this process is the
 * only one that hears it. Pub/sub delivers to whoever is connected: an instance cut off from
 * Redis misses messages meanwhile, and re-checks its sockets' sessions when it is back.
 */
@Injectable()
export class RealtimeBus implements OnModuleInit {
  private readonly logger = new Logger(RealtimeBus.name);
  private readonly instance = randomUUID();
  private handler: (message: BusMessage) => void = () => undefined;
  private reconnected: () => void = () => undefined;

  constructor(private readonly redis: RealtimeRedis) {}

  /** The gateway's handlers: one for messages, one for "messages may have been missed". */
  listen(handler: (message: BusMessage) => void, reconnected: () => void): void {
    this.handler = handler;
    this.reconnected = reconnected;
  }

  async onModuleInit(): Promise<void> {
    await this.redis.start();
    const subscriber = this.redis.subscriber;
    if (!subscriber) return;
    const channel = this.redis.channel(CHANNEL);
    subscriber.on('message', (from: string, text: string) => {
      if (from !== channel) return;
      const { instance, ...message } = JSON.parse(text) as BusMessage & { instance: string };
      if (instance !== this.instance) this.handler(message as BusMessage);
    });
    let subscribed = false;
    subscriber.on('ready', () => {
      if (subscribed) this.reconnected();
    });
    await subscriber.subscribe(channel);
    subscribed = true;
  }

  publish(message: BusMessage): void {
    this.handler(message);
    const commands = this.redis.commands;
    if (!commands) return;
    const text = JSON.stringify({ ...message, instance: this.instance });
    commands.publish(this.redis.channel(CHANNEL), text).catch((error: Error) => {
      this.logger.warn(`Real-time message not published to the other instances: ${error.message}`);
    });
  }
}
