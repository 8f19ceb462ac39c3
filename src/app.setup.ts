import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { appConfig } from './config/configuration.js';

/** Fastify as the contract wants it: trailing slashes accepted, bodies capped, request ids. */
export function createAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: appConfig().bodyLimit,
    routerOptions: { ignoreTrailingSlash: true },
    // A caller's X-Request-Id (a proxy's, say) is kept; otherwise each request gets a UUID.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
}

function isLocalOrigin(origin: string): boolean {
  return /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(origin);
}

/** Everything main.ts and the e2e tests share on top of AppModule. */
export async function configureApp(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  const config = app.get<ReturnType<typeof appConfig>>(appConfig.KEY);
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix('api/v1', { exclude: ['health', 'health/ready', '.well-known/*path'] });
  app.enableShutdownHooks();
  app.enableCors({
    origin: (origin, callback) =>
      callback(
        null,
        !origin ||
          config.corsOrigins.includes(origin) ||
          (config.nodeEnv === 'development' && isLocalOrigin(origin)),
      ),
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    exposedHeaders: ['Location', 'WWW-Authenticate', 'Retry-After'],
    // A bare OPTIONS is answered like any unknown request (problem+json), not as a broken preflight.
    strictPreflight: false,
    maxAge: 600,
  });
  await app.register(helmet, {
    // Helmet's default CSP already fits Swagger UI (same-origin scripts only, data: images), except
    // upgrade-insecure-requests: on plain HTTP at a non-loopback address the UI's assets would be
    // fetched over https and /docs would stay blank.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  // The tutorial's SPA logs in with FormData: multipart fields become the body, files are refused.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { files: 0, fields: 20, fieldSize: config.bodyLimit },
  });
  // Fastify parses text/plain by default; this API takes JSON, forms and multipart only (else 415).
  app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');
  return app;
}
