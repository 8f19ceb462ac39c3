import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { TooManyRequestsError } from '../errors/domain.error.js';

/** The per-IP limit's answer, also the example of every documented 429. */
export const IP_RATE_LIMITED =
  'Too many requests from your address: slow down and try again later.';

/**
 * Per client IP and route (options in throttling.module.ts). Answers carry the IETF
 * `RateLimit-Limit`/`-Remaining`/`-Reset` headers; over the limit, a 429 with `Retry-After`.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override headerPrefix = 'RateLimit';

  // Reads (GET /auth/me) need a valid token and cost nothing worth limiting.
  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    const { method } = context.switchToHttp().getRequest<FastifyRequest>();
    return Promise.resolve(method === 'GET' || method === 'HEAD');
  }

  protected override throwThrottlingException(
    context: ExecutionContext,
    { limit, timeToBlockExpire }: ThrottlerLimitDetail,
  ): Promise<void> {
    const { res } = this.getRequestResponse(context);
    this.setResponseHeader(res, `${this.headerPrefix}-Limit`, limit);
    this.setResponseHeader(res, `${this.headerPrefix}-Remaining`, 0);
    this.setResponseHeader(res, `${this.headerPrefix}-Reset`, timeToBlockExpire);
    throw new TooManyRequestsError(timeToBlockExpire, IP_RATE_LIMITED);
  }
}
