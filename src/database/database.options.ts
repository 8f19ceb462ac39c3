import { createRequire } from 'node:module';
import type { Database } from 'better-sqlite3';
import type { DataSourceOptions } from 'typeorm';
import { OneTimeToken } from '../auth/one-time-token.entity.js';
import type { DatabaseConfig } from '../config/database.config.js';
import { MfaChallenge } from '../mfa/mfa-challenge.entity.js';
import { PasskeyChallenge } from '../mfa/passkey-challenge.entity.js';
import { Passkey } from '../mfa/passkey.entity.js';
import { RecoveryCode } from '../mfa/recovery-code.entity.js';
import { TotpFactor } from '../mfa/totp-factor.entity.js';
import { Recipe } from '../recipes/recipe.entity.js';
import { RefreshToken } from '../sessions/refresh-token.entity.js';
import { Session } from '../sessions/session.entity.js';
import { User } from '../users/user.entity.js';
import { postgresMigrations } from './migrations/postgres/index.js';
import { sqliteMigrations } from './migrations/sqlite/index.js';

export const entities = [
  User,
  Session,
  RefreshToken,
  OneTimeToken,
  Recipe,
  TotpFactor,
  RecoveryCode,
  MfaChallenge,
  Passkey,
  PasskeyChallenge,
];

/** How long a request may wait for a PostgreSQL connection before it fails with 503. */
const CONNECT_TIMEOUT_MS = 2000;
/** The server cancels a statement after this; the client gives up a little later (a dead network). */
export const STATEMENT_TIMEOUT_MS = 5000;

const TIMESTAMP_OID = 1114;

/**
 * The one place that turns configuration into TypeORM options, for the app and the CLI.
 * `statementTimeoutMs: 0` (the CLI) lets a migration run as long as it needs.
 */
export function buildDataSourceOptions(
  config: DatabaseConfig,
  { statementTimeoutMs = STATEMENT_TIMEOUT_MS } = {},
): DataSourceOptions {
  const common = { entities, migrationsRun: true, synchronize: false } as const;
  if (config.engine === 'postgres') {
    // Date columns are `timestamp` without time zone on PostgreSQL (TypeORM maps one type per
    // engine) and hold UTC, like SQLite's text: sessions run in UTC, and pg writes and reads
    // these values as UTC whatever the process's time zone.
    // Required here, not imported: a SQLite server never loads pg (start time, memory).
    const pg = createRequire(import.meta.url)('pg') as typeof import('pg');
    pg.defaults.parseInputDatesAsUTC = true;
    return {
      ...common,
      type: 'postgres',
      url: config.url,
      poolSize: config.poolSize,
      connectTimeoutMS: CONNECT_TIMEOUT_MS,
      applicationName: 'recipe-api',
      migrations: postgresMigrations,
      extra: {
        options: `-c TimeZone=UTC -c statement_timeout=${statementTimeoutMs}`,
        query_timeout: statementTimeoutMs > 0 ? statementTimeoutMs + 1000 : undefined,
        keepAlive: true,
        types: {
          getTypeParser: (oid: number, format?: 'text' | 'binary') =>
            oid === TIMESTAMP_OID
              ? (text: string) => new Date(`${text.replace(' ', 'T')}Z`)
              : pg.types.getTypeParser(oid, format),
        },
      },
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: config.path,
    migrations: sqliteMigrations,
    // WAL lets readers run beside the writer; FULL keeps a committed row through a power cut.
    enableWAL: config.path !== ':memory:',
    timeout: 5000,
    prepareDatabase: (db: Database) => {
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      // SQLite's lower() folds A–Z only; keywords too short for the trigram index need É to match é.
      db.function('unicode_lower', { deterministic: true }, (text) =>
        typeof text === 'string' ? text.toLowerCase() : text,
      );
    },
  };
}
