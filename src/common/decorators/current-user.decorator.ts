import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { User } from '../../users/user.entity.js';
import type { Scope } from './scopes.decorator.js';

/** What the JWT strategy puts on the request once the token, user and session checked out. */
export interface Principal {
  user: User;
  sessionId: string;
  scopes: Scope[];
}

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<{ user: Principal }>().user,
);
