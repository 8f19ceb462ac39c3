import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { appConfig } from './config/configuration.js';

/** Fastify as the contract wants it: trailing slashes accepted, bodies capped. */
export function createAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: appConfig().bodyLimit,
    routerOptions: { ignoreTrailingSlash: true },
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
    exposedHeaders: ['Location', 'WWW-Authenticate', 'Retry-After'],
    maxAge: 600,
  });
  await app.register(helmet, {
    // Swagger UI's page runs an inline bootstrap script and loads images from data: URIs.
    contentSecurityPolicy: {
      directives: { scriptSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'] },
    },
  });
  // The tutorial's SPA logs in with FormData: multipart fields become the body, files are refused.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { files: 0, fields: 20, fieldSize: config.bodyLimit },
  });
  return app;
}
