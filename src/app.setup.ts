import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import helmet from 'helmet';
import multipart from '@fastify/multipart';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { isAllowedOrigin } from './common/allowed-origin.js';
import { appConfig, authConfig, type AuthConfig } from './config/configuration.js';

/** Fastify as the contract wants it: trailing slashes accepted, bodies capped, request ids. */
export function createAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: appConfig().bodyLimit,
    // TRUST_PROXY trusts one hop (the peer): request.ip is the last X-Forwarded-For address, the
    // one our proxy appended; earlier entries are the client's to forge.
    trustProxy: appConfig().trustProxy ? (_address: string, hop: number) => hop === 0 : false,
    routerOptions: { ignoreTrailingSlash: true },
    // A caller's X-Request-Id (a proxy's, say) is kept; otherwise each request gets a UUID.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
}

/** Everything main.ts and the e2e tests share on top of AppModule. */
export async function configureApp(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  const config = app.get<ReturnType<typeof appConfig>>(appConfig.KEY);
  app.useLogger(app.get(Logger));
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
  // Helmet's headers, its middleware built once (@fastify/helmet builds it again on every request,
  // CSP parsing included: ~18 µs of every answer). Helmet's default CSP already fits Swagger UI
  // (same-origin scripts only, data: images), except upgrade-insecure-requests: on plain HTTP at
  // a non-loopback address the UI's assets would be fetched over https and /docs stay blank.
  const securityHeaders = helmet({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, () => done()));
  // Cookie mode (REFRESH_COOKIE) carries the refresh token in an HttpOnly cookie.
  await app.register(cookie);
  // The tutorial's SPA logs in with FormData: multipart fields become the body, files are refused.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { files: 0, fields: 20, fieldSize: config.bodyLimit },
  });
  // Fastify parses text/plain by default; this API takes JSON, forms and multipart only (else 415).
  app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');
  return app;
}
