import { RequestMethod, UseGuards } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { ApiResponse, DECORATORS, type ContentObject } from '@nestjs/swagger';
import { IP_RATE_LIMITED, RateLimitGuard } from './rate-limit.guard.js';

const integer = (description: string, example: number) => ({
  description,
  schema: { type: 'integer' as const, example },
});

const HEADERS = {
  'Retry-After': integer('Seconds to wait before trying again', 42),
  'RateLimit-Limit': integer('Requests allowed per window', 30),
  'RateLimit-Remaining': integer('Requests left in this window (0)', 0),
  'RateLimit-Reset': integer('Seconds until a request is allowed again', 42),
};

const DESCRIPTION = 'Too many requests from this client address: wait Retry-After seconds';
const PASSWORD_DESCRIPTION = `${DESCRIPTION}. Also after LOGIN_MAX_FAILURES wrong passwords for the account within LOGIN_FAILURE_WINDOW_MINUTES, from any address (login, password change and account deletion count together)`;

const PROBLEM_BODY = {
  'application/problem+json': {
    schema: { $ref: '#/components/schemas/ProblemDto' },
    example: {
      type: 'urn:recipe-api:problem:too-many-requests',
      title: 'Too Many Requests',
      status: 429,
      detail: IP_RATE_LIMITED,
    },
  },
};

/**
 * Documents a 429 with its headers; `content` is the route's error body, problem details unless
 * the route answers errors in a shape of its own (the token endpoints document theirs with it).
 */
export const ApiTooManyRequests = (
  checksPassword: boolean,
  content: ContentObject = PROBLEM_BODY,
) =>
  ApiResponse({
    status: 429,
    description: checksPassword ? PASSWORD_DESCRIPTION : DESCRIPTION,
    headers: HEADERS,
    content,
  });

// A route that documents its own 429 (its own error shape) keeps it.
const documents429 = (handler: object) =>
  (Reflect.getMetadata(DECORATORS.API_RESPONSE, handler) as Record<string, unknown> | undefined)?.[
    '429'
  ] !== undefined;

/**
 * Puts routes under the per-IP limit (RateLimitGuard) and documents their 429, so Swagger
 * matches what is enforced. On a controller: every route, documented on each the guard limits
 * (all but GET). On one route (placed above its @Post/@Delete): that route; `checksPassword`
 * documents the per-account limit of wrong passwords too.
 */
export function RateLimited({ checksPassword = false } = {}): ClassDecorator & MethodDecorator {
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (key !== undefined && descriptor) {
      UseGuards(RateLimitGuard)(target, key, descriptor);
      if (!documents429(descriptor.value as object))
        ApiTooManyRequests(checksPassword)(target, key, descriptor);
      return;
    }
    const controller = target as abstract new (...args: never[]) => unknown;
    UseGuards(RateLimitGuard)(controller);
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = Object.getOwnPropertyDescriptor(prototype, name)!;
      if (typeof method.value !== 'function') continue;
      const verb = Reflect.getMetadata(METHOD_METADATA, method.value) as RequestMethod | undefined;
      if (verb === undefined || verb === RequestMethod.GET || verb === RequestMethod.HEAD) continue;
      if (!documents429(method.value as object))
        ApiTooManyRequests(checksPassword)(prototype, name, method);
    }
  };
}
