import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { configureApp, createAdapter } from '../../src/app.setup.js';
import { appConfig } from '../../src/config/configuration.js';
import { createTestDatabase, runSql } from './database.js';

export interface TestApp {
  app: NestFastifyApplication;
  db: DataSource;
  /** Raw SQL for both engines (see runSql): `?` placeholders, rows in SQLite's shapes. */
  sql<T = any>(text: string, params?: unknown[]): Promise<T>;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * Boots the real AppModule through the Nest testing module, on Fastify, with the production
 * pipeline (configureApp) and a fresh database migrated by the real migrations: in-memory SQLite,
 * or under `npm run test:pg` a PostgreSQL database of its own, dropped by close(). An explicit
 * DATABASE_URL in `env` is used as it is and left in place.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = env.DATABASE_URL ? undefined : await createTestDatabase();
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: database?.url ?? env.DATABASE_URL,
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'test-secret-that-is-at-least-32-bytes-long!',
    AUTH_RATE_LIMIT_PER_MINUTE: '10000', // suites log in often from 127.0.0.1; rate-limit.e2e-spec sets its own
    ...env,
  });
  let app: NestFastifyApplication | undefined;
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(createAdapter(appConfig()));
    await configureApp(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database?.drop(); // WITH (FORCE): also ends the connections of a module that failed to compile
    throw error;
  }
  const started = app;
  const db = started.get(DataSource);
  return {
    app: started,
    db,
    sql: (text, params) => runSql(db, text, params),
    request: (options) => started.inject(options),
    close: async () => {
      try {
        await started.close();
      } finally {
        await database?.drop();
      }
    },
  };
}

/**
 * createTestApp with the limits on and every rate-limit variable spelled out, since the env that
 * createTestApp sets outlives one app in this process.
 */
export function createRateLimitedApp(env: Record<string, string> = {}): Promise<TestApp> {
  return createTestApp({
    RATE_LIMIT_ENABLED: 'true',
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    LOGIN_MAX_FAILURES: '10',
    LOGIN_FAILURE_WINDOW_MINUTES: '15',
    TRUST_PROXY: 'false',
    ...env,
  });
}
