import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import { IS_PUBLIC } from './decorators/public.decorator.js';

/**
 * What a route behind a bearer token answers is its caller's own (profile, sessions, the admin's
 * view of users): `Cache-Control: no-store` keeps it out of browser and shared caches
 * (ASVS V8.2.1). Public routes keep their own caching.
 */
@Injectable()
export class NoStoreInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (context.getType() === 'http' && !isPublic) {
      context.switchToHttp().getResponse<FastifyReply>().header('Cache-Control', 'no-store');
    }
    return next.handle();
  }
}
