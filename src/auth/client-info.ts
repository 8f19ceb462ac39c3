import type { FastifyRequest } from 'fastify';
import type { ClientInfo } from '../sessions/sessions.service.js';

/** What a session remembers of the client that started or refreshed it (shown in GET /auth/sessions). */
export const clientOf = (request: FastifyRequest): ClientInfo => ({
  userAgent: request.headers['user-agent'],
  ip: request.ip,
});
