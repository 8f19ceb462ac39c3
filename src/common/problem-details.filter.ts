import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  DomainError,
  InsufficientScopeError,
  InsufficientUserAuthenticationError,
  TooManyRequestsError,
  UnauthenticatedError,
} from './errors/domain.error.js';
import { isDatabaseUnavailable } from './errors/database-errors.js';
import { recordRequestError } from '../logging/request-logging.js';

export interface Problem {
  status: number;
  type: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

/**
 * Fastify route config key (`@RouteConfig`) naming the filter that answers a route's errors in
 * its own shape. Nest's route filters (`@UseFilters`) see what guards, pipes and the handler
 * throw; this one also gets what Fastify raised before them (body parser, preValidation hooks).
 */
export const ROUTE_ERROR_FILTER = 'errorFilter';

// Framework and library messages never reach clients: each status gets our own sentence.
const DETAILS: Record<number, string> = {
  400: 'The request could not be read: send well-formed JSON, form or multipart data.',
  401: 'This operation needs a bearer access token.',
  403: 'You may not do this.',
  405: 'This method is not allowed here.',
  406: 'This API answers in JSON only.',
  408: 'The request did not arrive in time: send the headers and the body without pausing.',
  413: 'The request body is larger than this API accepts.',
  415: 'This content type is not accepted here: send JSON, or a form where the operation takes one.',
  429: 'Too many requests: slow down and try again later.',
  503: 'The service is not ready: its database is unreachable.',
};

// RFC 6750 §3: error_description is a quoted string without '"' or '\'.
const quoted = (text: string) => `"${text.replace(/["\\]/g, "'")}"`;

/** The headers an error answer carries whatever its body's shape: RFC 6750's challenge, Retry-After. */
export function setErrorHeaders(exception: unknown, problem: Problem, reply: FastifyReply): void {
  // The rest of a late body may still be on its way: the connection is not reused.
  if (problem.status === 408) reply.header('Connection', 'close');
  if (exception instanceof UnauthenticatedError) {
    reply.header(
      'WWW-Authenticate',
      exception.invalidToken
        ? `Bearer error="invalid_token", error_description=${quoted(exception.message)}`
        : 'Bearer',
    );
  } else if (exception instanceof InsufficientUserAuthenticationError) {
    reply.header(
      'WWW-Authenticate',
      `Bearer error="insufficient_user_authentication", error_description=${quoted(exception.message)}, max_age=${exception.maxAgeSeconds}`,
    );
  } else if (exception instanceof InsufficientScopeError) {
    reply.header(
      'WWW-Authenticate',
      `Bearer error="insufficient_scope", scope="${exception.scope}", error_description=${quoted(exception.message)}`,
    );
  } else if (exception instanceof TooManyRequestsError) {
    reply.header('Retry-After', String(exception.retryAfterSeconds));
  }
}

/** Turns every error into RFC 9457 problem details; nothing internal reaches the client. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const routeFilter = (
      request.routeOptions?.config as { [ROUTE_ERROR_FILTER]?: ExceptionFilter } | undefined
    )?.[ROUTE_ERROR_FILTER];
    if (routeFilter) return routeFilter.catch(exception, host);

    const problem = describeError(exception, request);
    if (problem.status >= 500) recordRequestError(request, exception);
    setErrorHeaders(exception, problem, reply);
    reply
      .status(problem.status)
      .header('Content-Type', 'application/problem+json; charset=utf-8')
      .send({
        type: problem.type,
        title: STATUS_CODES[problem.status] ?? 'Error',
        status: problem.status,
        detail: problem.detail,
        instance: request.url.split('?')[0],
        ...(problem.errors && { errors: problem.errors }),
      });
  }
}

/** What went wrong, as status, type and a sentence of our own: shared by every error shape. */
export function describeError(exception: unknown, request: FastifyRequest): Problem {
  if (exception instanceof DomainError) {
    const { status, code, message, errors } = exception;
    return { status, type: `urn:recipe-api:problem:${code}`, detail: message, errors };
  }
  // Fastify's handlerTimeout (REQUEST_TIMEOUT_SECONDS): the body never arrived whole, or the answer took that long.
  if ((exception as { code?: unknown } | null)?.code === 'FST_ERR_HANDLER_TIMEOUT') {
    return request.raw.complete
      ? { status: 503, type: 'about:blank', detail: 'The answer took too long: try again later.' }
      : { status: 408, type: 'about:blank', detail: DETAILS[408] };
  }
  if (isDatabaseUnavailable(exception)) {
    return {
      status: 503,
      type: 'urn:recipe-api:problem:database-unavailable',
      detail: DETAILS[503],
    };
  }
  // Nest's HttpExceptions, and errors Fastify raises before a handler runs (body, type, size).
  const fastifyStatus = (exception as { statusCode?: unknown } | null)?.statusCode;
  const status =
    exception instanceof HttpException
      ? exception.getStatus()
      : typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500
        ? fastifyStatus
        : 500;
  const detail =
    status === 404
      ? `No route matches ${request.method} ${request.url.split('?')[0]}.`
      : (DETAILS[status] ??
        (status < 500 ? 'The request was refused.' : 'Something went wrong on our side.'));
  return { status, type: 'about:blank', detail };
}
