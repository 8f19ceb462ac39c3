import { DataSource } from 'typeorm';
import { createTestApp as createKitApp, type TestApp as KitApp } from '../../src/testing/index.js';
import { createTestDatabase, runSql } from './database.js';

export interface TestApp extends KitApp {
  db: DataSource;
  /** Raw SQL for both engines (see runSql): `?` placeholders, rows in SQLite's shapes. */
  sql<T = any>(text: string, params?: unknown[]): Promise<T>;
}

/**
 * The testing kit's app (src/testing: the real AppModule on Fastify with the production pipeline)
 * on a fresh database of its own: in-memory SQLite, or under `npm run test:pg` a PostgreSQL
 * database dropped by close(). An explicit DATABASE_URL in `env` is used as it is and left in
 * place. Mail goes where the app sends it (SMTP_URL: test/helpers/mailbox.ts), not to the kit's capture.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = env.DATABASE_URL ? undefined : await createTestDatabase();
  let t: KitApp;
  try {
    t = await createKitApp({
      captureMail: false,
      env: {
        DATABASE_URL: database?.url ?? env.DATABASE_URL!,
        JWT_SECRET: 'test-secret-that-is-at-least-32-bytes-long!',
        ...env,
      },
    });
  } catch (error) {
    await database?.drop(); // WITH (FORCE): also ends the connections of a module that failed to compile
    throw error;
  }
  const db = t.get<DataSource>(DataSource);
  return {
    ...t,
    db,
    sql: (text, params) => runSql(db, text, params),
    close: async () => {
      try {
        await t.close();
      } finally {
        await database?.drop();
      }
    },
  };
}

/** createTestApp with the limits on and every rate-limit variable spelled out, whatever the environment says. */
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
