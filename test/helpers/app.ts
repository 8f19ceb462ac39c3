import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { configureApp, createAdapter } from '../../src/app.setup.js';

export interface TestApp {
  app: NestFastifyApplication;
  db: DataSource;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * Boots the real AppModule through the Nest testing module, on Fastify, with the production
 * pipeline (configureApp) and a fresh in-memory SQLite database migrated by the real migrations.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: 'sqlite::memory:',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'test-secret-that-is-at-least-32-bytes-long!',
    AUTH_RATE_LIMIT_PER_MINUTE: '10000', // suites log in often from 127.0.0.1; rate-limit.e2e-spec sets its own
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createAdapter());
  await configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    db: app.get(DataSource),
    request: (options) => app.inject(options),
    close: () => app.close(),
  };
}
