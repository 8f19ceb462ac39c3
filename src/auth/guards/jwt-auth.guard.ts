import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { errors } from 'jose';
import { IS_PUBLIC } from '../../common/decorators/public.decorator.js';
import { UnauthenticatedError } from '../../common/errors/domain.error.js';
import { MissingBearerTokenError } from '../strategies/bearer-jwt.strategy.js';

/** Global guard: every route needs a valid access token unless it is marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    return isPublic || super.canActivate(context);
  }

  override handleRequest<T>(error: unknown, principal: T, info: unknown): T {
    if (error) throw error;
    if (principal) return principal;
    if (info instanceof errors.JWTExpired)
      throw new UnauthenticatedError('The access token expired.', true);
    if (info instanceof MissingBearerTokenError)
      throw new UnauthenticatedError('This operation needs a bearer access token.');
    throw new UnauthenticatedError('The access token is invalid.', true);
  }
}
