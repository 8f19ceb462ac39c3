import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

const REQUEST_ERROR = Symbol('requestError');

/** The error behind a 5xx answer, logged with its request line (see logRequests). */
export function recordRequestError(request: FastifyRequest, error: unknown): void {
  (request as unknown as Record<symbol, unknown>)[REQUEST_ERROR] = error;
}

/**
 * One line per answered request, 404s and /docs included, after the answer is sent: id, method,
 * path, status and milliseconds. A 5xx is logged at error level with its error.
 */
export function logRequests(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    if (logger.isLevelEnabled(level)) {
      const err = (request as unknown as Record<symbol, unknown>)[REQUEST_ERROR];
      const responseTime = Math.round(reply.elapsedTime * 10) / 10;
      logger[level]({ req: request, res: reply, responseTime, err }, 'request completed');
    }
    done();
  });
}

/** A caller's X-Request-Id (a proxy's, say) is kept when it is a plain token of at most 128 characters. */
export function requestIdFrom(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && /^[\w.:-]{1,128}$/.test(header) ? header : undefined;
}
