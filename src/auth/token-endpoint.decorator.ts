import { applyDecorators, Header, UseFilters } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiResponse } from '@nestjs/swagger';
import { ROUTE_ERROR_FILTER } from '../common/problem-details.filter.js';
import { IP_RATE_LIMITED } from '../common/throttling/rate-limit.guard.js';
import { ApiTooManyRequests } from '../common/throttling/rate-limited.decorator.js';
import { LOGINS_LOCKED } from '../users/password-attempts.service.js';
import { OAuthErrorDto } from './dto/token.dto.js';
import { OAuthExceptionFilter } from './oauth-exception.filter.js';

const oauthErrors = new OAuthExceptionFilter();

const oauthBody = (description: string) => ({
  'application/json': {
    schema: { $ref: '#/components/schemas/OAuthErrorDto' },
    example: { error: 'invalid_request', error_description: description },
  },
});

/**
 * An RFC 6749 token endpoint: errors in OAuth's shape (§5.2), also those raised before the route's
 * guards (body parser, input screening), answers never cached (§5.1), and both documented.
 * `checksPassword`: the 429 also comes from the per-account limit of wrong passwords.
 */
export const TokenEndpoint = ({ checksPassword = false } = {}) =>
  applyDecorators(
    UseFilters(oauthErrors),
    RouteConfig({ [ROUTE_ERROR_FILTER]: oauthErrors }),
    Header('Cache-Control', 'no-store'),
    Header('Pragma', 'no-cache'),
    ApiResponse({ status: 400, type: OAuthErrorDto, description: 'RFC 6749 §5.2 error' }),
    ApiTooManyRequests(checksPassword, oauthBody(checksPassword ? LOGINS_LOCKED : IP_RATE_LIMITED)),
  );
