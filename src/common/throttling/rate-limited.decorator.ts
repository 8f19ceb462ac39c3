import { RequestMethod, UseGuards } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ApiResponse } from '@nestjs/swagger';
import { RateLimitGuard } from './rate-limit.guard.js';

const seconds = (description: string) => ({ description, schema: { type: 'integer' as const } });

const HEADERS = {
  'Retry-After': seconds('Seconds to wait before trying again'),
  'RateLimit-Limit': seconds('Requests allowed per window'),
  'RateLimit-Remaining': seconds('Requests left in this window (0)'),
  'RateLimit-Reset': seconds('Seconds until a request is allowed again'),
};

const DESCRIPTION = 'Too many requests from this client address: wait Retry-After seconds';
const LOGIN_DESCRIPTION = `${DESCRIPTION}. Also after LOGIN_MAX_FAILURES failed logins for the account, from any address`;

// RFC 6749 §5.2: the token endpoints answer errors in OAuth's shape (see the problem-details filter).
const TOKEN_ENDPOINTS = new Set(['login', 'refresh']);

const tooManyRequests = (path: unknown) =>
  TOKEN_ENDPOINTS.has(String(path))
    ? ApiResponse({
        status: 429,
        description: path === 'login' ? LOGIN_DESCRIPTION : DESCRIPTION,
        headers: HEADERS,
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/OAuthErrorDto' },
            example: {
              error: 'invalid_request',
              error_description:
                path === 'login'
                  ? 'Too many failed logins for this account: try again later.'
                  : 'Too many requests from your address: slow down and try again later.',
            },
          },
        },
      })
    : ApiResponse({
        status: 429,
        description: DESCRIPTION,
        headers: HEADERS,
        content: {
          'application/problem+json': {
            schema: { $ref: '#/components/schemas/ProblemDto' },
            example: {
              type: 'urn:recipe-api:problem:too-many-requests',
              title: 'Too Many Requests',
              status: 429,
              detail: 'Too many requests from your address: slow down and try again later.',
            },
          },
        },
      });

/**
 * Puts every route of a controller under the per-IP limit (RateLimitGuard) and documents its
 * 429 on each operation the guard limits (all but GET), so Swagger matches what is enforced.
 */
export function RateLimited(): ClassDecorator {
  return (target) => {
    UseGuards(RateLimitGuard)(target);
    const prototype = target.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
      if (typeof descriptor.value !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, descriptor.value) as
        RequestMethod | undefined;
      if (method === undefined || method === RequestMethod.GET || method === RequestMethod.HEAD)
        continue;
      tooManyRequests(Reflect.getMetadata(PATH_METADATA, descriptor.value))(
        prototype,
        name,
        descriptor,
      );
    }
  };
}
