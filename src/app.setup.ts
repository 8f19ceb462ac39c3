import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import cookie from '@fastify/cookie';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { isAllowedOrigin } from './common/allowed-origin.js';
import { clientErrorHandler, frameworkErrors } from './common/framework-errors.js';
import { screenInput } from './common/input-screening.js';
import { parseMultipart } from './common/multipart-body.js';
import { noStoreForBearerAnswers } from './common/no-store.js';
import { SECURITY_HEADERS } from './common/security-headers.js';
import { appConfig, authConfig, type AppConfig, type AuthConfig } from './config/configuration.js';
import { AppLogger, PINO } from './logging/logger.js';
import { logRequests, requestIdFrom } from './logging/request-logging.js';

/**
 * Fastify as the contract wants it: trailing slashes accepted, bodies capped, request ids. It is
 * made before the application (and its ConfigModule) exists, so it takes appConfig() from the caller.
 */
export function createAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.bodyLimit,
    // REQUEST_TIMEOUT_SECONDS bounds the headers (Node: 408, checked every second instead of every
    // 30 s) and, once routed, the body and the answer (Fastify: 408 while the body is incomplete,
    // else 503). Idle keep-alive connections close after 72 s, later than a load balancer's usual
    // 60 s, so the balancer closes first.
    requestTimeout: config.requestTimeoutSeconds * 1000,
    handlerTimeout: config.requestTimeoutSeconds * 1000,
    http: { connectionsCheckingInterval: 1000 },
    keepAliveTimeout: 72_000,
    // Refusals made before any hook runs answer problem+json with the security headers too.
    frameworkErrors,
    clientErrorHandler,
    // TRUST_PROXY trusts one hop (the peer): request.ip is the last X-Forwarded-For address, the
    // one our proxy appended; earlier entries are the client's to forge.
    trustProxy: config.trustProxy ? (_address: string, hop: number) => hop === 0 : false,
    routerOptions: { ignoreTrailingSlash: true },
    // A caller's well-formed X-Request-Id (a proxy's, say) is kept; otherwise each request gets a UUID.
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) =>
      requestIdFrom(request.headers['x-request-id']) ?? randomUUID(),
  });
}

/** Everything main.ts and the e2e tests share on top of AppModule. */
export async function configureApp(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  const config = app.get<ReturnType<typeof appConfig>>(appConfig.KEY);
  const logger = app.get<Logger>(PINO);
  app.useLogger(new AppLogger(logger));
  app.setGlobalPrefix('api/v1', { exclude: ['health', 'health/ready', '.well-known/*path'] });
  app.enableShutdownHooks();
  app.enableCors({
    origin: (origin, callback) => callback(null, isAllowedOrigin(origin, config)),
    // Cookie mode: a page of an allowed origin (reflected, never `*`) may send and receive the refresh cookie.
    credentials: app.get<AuthConfig>(authConfig.KEY).refreshCookie,
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    exposedHeaders: [
      'Location',
      'WWW-Authenticate',
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
    ],
    // A bare OPTIONS is answered like any unknown request (problem+json), not as a broken preflight.
    strictPreflight: false,
    maxAge: 600,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Helmet's headers (collected once, see security-headers.ts) and the request id on every
  // answer, errors included.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    reply.header('X-Request-Id', request.id);
    done();
  });
  logRequests(fastify, logger);
  // Cookie mode (REFRESH_COOKIE) carries the refresh token in an HttpOnly cookie.
  await app.register(cookie);
  // The tutorial's SPA logs in with FormData: read under the body limit, fields only.
  fastify.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, parseMultipart);
  // Fastify parses text/plain by default; this API takes JSON, forms and multipart only (else 415).
  fastify.removeContentTypeParser('text/plain');
  // Every parsed body, query and path is screened once, before guards, strategies and pipes.
  fastify.addHook('preValidation', screenInput);
  fastify.addHook('onSend', noStoreForBearerAnswers);
  return app;
}
