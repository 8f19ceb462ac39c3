import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Principal } from '../../common/decorators/current-user.decorator.js';
import { REQUIRED_SCOPES, type Scope } from '../../common/decorators/scopes.decorator.js';
import { InsufficientScopeError } from '../../common/errors/domain.error.js';

/** Global guard after JwtAuthGuard: the token must carry every scope that @Scopes() names. */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required?.length) return true;
    const { user } = context.switchToHttp().getRequest<{ user?: Principal }>();
    const missing = required.find((scope) => !user?.scopes.includes(scope));
    if (missing) throw new InsufficientScopeError(missing);
    return true;
  }
}
