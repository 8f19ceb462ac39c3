import {
  applyDecorators,
  Inject,
  Injectable,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { authConfig, type AuthConfig } from '../../config/configuration.js';
import { InsufficientUserAuthenticationError } from '../errors/domain.error.js';
import type { Principal } from './current-user.decorator.js';

/**
 * Step-up (RFC 9470): the bearer token's authentication (`auth_time`) must be at most
 * STEP_UP_MAX_AGE_MINUTES old. Runs after the global JWT guard, so the principal is there.
 */
@Injectable()
export class RecentAuthGuard implements CanActivate {
  constructor(@Inject(authConfig.KEY) private readonly config: AuthConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const { user } = context.switchToHttp().getRequest<{ user: Principal }>();
    const maxAge = this.config.stepUpMaxAgeSeconds;
    const age = Date.now() / 1000 - (user.authTime ?? 0);
    if (age > maxAge) throw new InsufficientUserAuthenticationError(maxAge);
    return true;
  }
}

/** The route needs a recent login (see RecentAuthGuard); documents the 401 it answers otherwise. */
export const RecentAuth = () =>
  applyDecorators(
    UseGuards(RecentAuthGuard),
    ApiResponse({
      status: 401,
      description:
        'No valid bearer token, or (RFC 9470) its login is older than STEP_UP_MAX_AGE_MINUTES: ' +
        '`WWW-Authenticate: Bearer error="insufficient_user_authentication", max_age=…`; sign in again.',
      content: {
        'application/problem+json': {
          schema: { $ref: '#/components/schemas/ProblemDto' },
          example: {
            type: 'urn:recipe-api:problem:insufficient-user-authentication',
            title: 'Unauthorized',
            status: 401,
            detail: 'This operation needs a recent login: sign in again and retry.',
          },
        },
      },
    }),
  );
