import { Global, Module } from '@nestjs/common';
import { ThrottlerModule, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { rateLimitConfig, type RateLimitConfig } from '../../config/configuration.js';
import { AttemptStore, MemoryAttemptStore } from './attempt-store.js';

/**
 * The per-IP limits (@nestjs/throttler, used by @RateLimited() controllers) and the attempt store
 * behind the per-account limits. Both live in this process's memory until the Redis issue.
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [rateLimitConfig.KEY],
      useFactory: (config: RateLimitConfig): ThrottlerModuleOptions => ({
        // A sliding minute per client IP and route; blockDuration 0: no penalty beyond the window,
        // so Retry-After is exactly when the oldest request leaves it.
        throttlers: [{ ttl: 60_000, limit: config.perMinute, blockDuration: 0 }],
        // RATE_LIMIT_ENABLED=false (load tests) lifts only these; the failed-login limit stays.
        skipIf: () => !config.enabled,
      }),
    }),
  ],
  providers: [{ provide: AttemptStore, useFactory: () => new MemoryAttemptStore() }],
  exports: [AttemptStore],
})
export class ThrottlingModule {}
