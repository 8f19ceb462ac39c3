import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  DomainError,
  InsufficientScopeError,
  OAuthError,
  UnauthenticatedError,
} from './errors/domain.error.js';

interface Problem {
  status: number;
  type: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

// RFC 6749 §5.2: the token endpoints answer errors in OAuth's shape, not problem+json.
const TOKEN_ENDPOINT = /^\/api\/v1\/auth\/(login|refresh)\/?(\?|$)/;

const FASTIFY_DETAILS: Record<number, string> = {
  400: 'The request body could not be parsed.',
  413: 'The request body is too large.',
  415: 'This content type is not supported here.',
};

/** Turns every error into RFC 9457 problem details; nothing internal reaches the client. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const problem = this.toProblem(exception, request);
    if (problem.status >= 500) this.logger.error(exception);

    if (exception instanceof UnauthenticatedError) {
      reply.header(
        'WWW-Authenticate',
        exception.invalidToken
          ? `Bearer error="invalid_token", error_description="${exception.message}"`
          : 'Bearer',
      );
    } else if (exception instanceof InsufficientScopeError) {
      reply.header(
        'WWW-Authenticate',
        `Bearer error="insufficient_scope", scope="${exception.scope}", error_description="${exception.message}"`,
      );
    }

    if (TOKEN_ENDPOINT.test(request.url)) {
      reply
        .status(exception instanceof OAuthError ? 400 : problem.status)
        .header('Cache-Control', 'no-store')
        .header('Pragma', 'no-cache')
        .send(
          exception instanceof OAuthError
            ? { error: exception.error, error_description: exception.description }
            : {
                error: problem.status >= 500 ? 'server_error' : 'invalid_request',
                error_description: problem.errors?.length
                  ? problem.errors.map((e) => `${e.field}: ${e.message}`).join('; ')
                  : problem.detail,
              },
        );
      return;
    }

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

  private toProblem(exception: unknown, request: FastifyRequest): Problem {
    if (exception instanceof DomainError) {
      const { status, code, message, errors } = exception;
      return { status, type: `urn:recipe-api:problem:${code}`, detail: message, errors };
    }
    if (exception instanceof OAuthError) {
      return { status: 400, type: 'about:blank', detail: exception.description };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const detail =
        status === 404
          ? `No route matches ${request.method} ${request.url.split('?')[0]}.`
          : exception.message;
      return { status, type: 'about:blank', detail: status >= 500 ? 'Something went wrong.' : detail };
    }
    // Errors Fastify raises before a handler runs (body parsing, content type, size).
    const statusCode = (exception as { statusCode?: unknown } | null)?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return {
        status: statusCode,
        type: 'about:blank',
        detail: FASTIFY_DETAILS[statusCode] ?? 'The request was refused.',
      };
    }
    return { status: 500, type: 'about:blank', detail: 'Something went wrong on our side.' };
  }
}
