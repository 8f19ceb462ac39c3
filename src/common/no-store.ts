import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from './decorators/current-user.decorator.js';

/**
 * Fastify onSend hook: what a request authenticated by a bearer token gets back is its caller's
 * own (profile, sessions, the admin's view of users), so `Cache-Control: no-store` keeps it out of
 * browser and shared caches (ASVS V8.2.1). Requests refused before the token check and public
 * routes keep their own caching; a route that sets Cache-Control itself keeps it. A hook rather
 * than a Nest interceptor, since any interceptor puts every request through an rxjs pipeline.
 */
export function noStoreForBearerAnswers(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: null, payload: unknown) => void,
): void {
  // The JWT strategy's principal (the login's local strategy puts a bare user there, no sessionId).
  const principal = (request as { user?: Partial<Principal> }).user;
  if (principal?.sessionId !== undefined && !reply.hasHeader('cache-control')) {
    reply.header('cache-control', 'no-store');
  }
  done(null, payload);
}
