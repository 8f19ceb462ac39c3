import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SECURITY_HEADERS } from './security-headers.js';

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

// Our own sentences: the framework's messages quote the path, which is the client's to forge.
const DETAILS: Record<number, string> = {
  400: 'The request could not be read: check the URL and the HTTP syntax.',
  408: 'The request did not arrive in time: send the headers and the body without pausing.',
  414: 'A path segment is longer than this API accepts.',
  431: 'The request headers are larger than this API accepts.',
};

/** An RFC 9457 body without `instance`: these refusals echo nothing the client sent. */
function problem(status: number): string {
  return JSON.stringify({
    type: 'about:blank',
    title: STATUS_CODES[status],
    status,
    detail: DETAILS[status],
  });
}

/**
 * Fastify's router refusals (a malformed URL, a path parameter over maxParamLength), which
 * happen before any hook, so before the security headers and the problem-details filter.
 */
export function frameworkErrors(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status = error.statusCode === 414 ? 414 : 400;
  void reply.headers(SECURITY_HEADERS).code(status).type(PROBLEM_JSON).send(problem(status));
}

/**
 * Node's refusals of a connection before Fastify has a request (headers too large, broken HTTP)
 * or while its request is still arriving (request timeout), written on the socket itself.
 */
export function clientErrorHandler(error: ConnectionError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 408
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? 431
        : 400;
  if (socket.writable) {
    const body = problem(status);
    const headers = {
      ...SECURITY_HEADERS,
      'Content-Type': PROBLEM_JSON,
      'Content-Length': String(Buffer.byteLength(body)),
      Connection: 'close',
    };
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${body}`);
  }
  socket.destroy(error);
}
