import { Global, Module } from '@nestjs/common';
import { ThrottlerModule, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { rateLimitConfig, type RateLimitConfig } from '../../config/configuration.js';
import { ATTEMPT_LIMITER, RateLimitStorage } from './rate-limit-storage.js';

/** The Redis connection (with REDIS_URL) or the in-memory stores; closed at shutdown. */
@Module({
  providers: [
    {
      provide: RateLimitStorage,
      inject: [rateLimitConfig.KEY],
      useFactory: (config: RateLimitConfig) => RateLimitStorage.create(config),
    },
  ],
  exports: [RateLimitStorage],
})
class RateLimitStorageModule {}

/**
 * The per-IP limits (@nestjs/throttler, used by @RateLimited() controllers) and the limiter
 * behind the per-account limits (rate-limiter-flexible): in this process's memory, or shared in Redis with REDIS_URL.
 */
@Global()
@Module({
  imports: [
    RateLimitStorageModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [rateLimitConfig.KEY, RateLimitStorage],
      useFactory: (config: RateLimitConfig, storage: RateLimitStorage): ThrottlerModuleOptions => ({
        // A sliding minute per client IP and route; blockDuration 0: no penalty beyond the window,
        // so Retry-After is exactly when the oldest request leaves it.
        throttlers: [{ ttl: 60_000, limit: config.perMinute, blockDuration: 0 }],
        // RATE_LIMIT_ENABLED=false (load tests) lifts only these; the failed-login limit stays.
        skipIf: () => !config.enabled,
        storage: storage.throttler,
      }),
    }),
  ],
  providers: [
    {
      provide: ATTEMPT_LIMITER,
      inject: [rateLimitConfig.KEY, RateLimitStorage],
      useFactory: (config: RateLimitConfig, storage: RateLimitStorage) =>
        storage.attempts(config.loginMaxFailures, config.loginFailureWindowMs),
    },
  ],
  exports: [ATTEMPT_LIMITER],
})
export class ThrottlingModule {}
