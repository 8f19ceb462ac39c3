import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Scope } from './scopes.decorator.js';

/**
 * The signed-in account. users/user.entity.ts declares it to be its User (interface merging), so
 * common/ names it without importing a feature.
 */
// oxlint-disable-next-line typescript/no-empty-object-type
export interface PrincipalUser {}

/** What the JWT strategy puts on the request once the token, user and session checked out. */
export interface Principal {
  user: PrincipalUser;
  sessionId: string;
  scopes: Scope[];
  /** The token's `auth_time` in seconds (absent from tokens issued before it existed). */
  authTime?: number;
  /** The token's `amr`, e.g. ["pwd", "otp"]. */
  amr?: string[];
}

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<{ user: Principal }>().user,
);
