import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';

const RETRY_MS = 5_000;

/**
 * Whether Redis answers. After a failure the per-IP limits count in this instance's memory and leave
 * Redis alone for RETRY_MS (or until the client reconnects), so an outage costs no request more than
 * one failed command. The warning is logged once per outage, not per request.
 */
export class RedisHealth {
  private readonly logger = new Logger('RateLimits');
  private downSince: number | undefined;
  private retryAt = 0;

  /** Runs `shared`; while Redis is down or when it fails, `local` instead. Never rejects for Redis. */
  async run<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (Date.now() < this.retryAt) return local();
    let result: T;
    try {
      result = await shared();
    } catch (error) {
      this.failed(error);
      return local();
    }
    this.answered();
    return result;
  }

  failed(error: unknown): void {
    this.retryAt = Date.now() + RETRY_MS;
    if (this.downSince !== undefined) return;
    this.downSince = Date.now();
    this.logger.warn(
      `Redis is unreachable (${error instanceof Error ? error.message : String(error)}): rate limits ` +
        `count in this instance's memory until it answers again`,
    );
  }

  /** The client reconnected: try Redis at the next request. */
  reconnected(): void {
    this.retryAt = 0;
    this.answered();
  }

  private answered(): void {
    if (this.downSince === undefined) return;
    const seconds = Math.round((Date.now() - this.downSince) / 1000);
    this.downSince = undefined;
    this.logger.warn(`Redis answers again after ${seconds} s: rate limits are shared again`);
  }
}

/** The per-IP limits in Redis, or in this instance's memory while Redis is unreachable. */
export class FallbackThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  constructor(
    private readonly shared: ThrottlerStorage,
    private readonly local: ThrottlerStorageService,
    private readonly health: RedisHealth,
  ) {}

  increment(...args: Parameters<ThrottlerStorage['increment']>) {
    return this.health.run(
      () => this.shared.increment(...args),
      () => this.local.increment(...args),
    );
  }

  onApplicationShutdown(): void {
    this.local.onApplicationShutdown();
  }
}
