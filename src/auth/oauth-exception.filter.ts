import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../common/errors/domain.error.js';
import { describeError, setErrorHeaders, type Problem } from '../common/problem-details.filter.js';
import { recordRequestError } from '../logging/request-logging.js';
import { MfaRequiredError } from './mfa-required.error.js';

/** RFC 6749 §5.2 `error` and the HTTP status for an error's code (OAuthError's codes are OAuth's own). */
function oauthError(code: string | undefined, problem: Problem): { status: number; error: string } {
  switch (code) {
    case 'invalid_request':
    case 'invalid_grant':
    case 'unsupported_grant_type':
    case 'invalid_scope':
    case 'mfa_required':
      return { status: 400, error: code };
    default:
      // Validation (400), body size and type (413, 415), limits (429), outages (503): the status stays.
      return {
        status: problem.status,
        error: problem.status >= 500 ? 'server_error' : 'invalid_request',
      };
  }
}

/** The token endpoints' errors in RFC 6749 §5.2's shape, which OAuth clients and Swagger UI read. */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const problem = describeError(exception, request);
    if (problem.status >= 500) recordRequestError(request, exception);
    setErrorHeaders(exception, problem, reply);
    const { status, error } = oauthError(
      exception instanceof DomainError ? exception.code : undefined,
      problem,
    );
    reply
      .status(status)
      .header('Cache-Control', 'no-store')
      .header('Pragma', 'no-cache')
      .send({
        error,
        error_description: problem.errors?.length
          ? problem.errors.map((e) => `${e.field}: ${e.message}`).join('; ')
          : problem.detail,
        ...(exception instanceof MfaRequiredError && { mfa_token: exception.mfaToken }),
      });
  }
}
