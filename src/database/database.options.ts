import type { Database } from 'better-sqlite3';
import type { DataSourceOptions } from 'typeorm';
import { OneTimeToken } from '../auth/one-time-token.entity.js';
import { RefreshToken } from '../auth/refresh-token.entity.js';
import { Session } from '../auth/session.entity.js';
import type { DatabaseConfig } from '../config/database.config.js';
import { Recipe } from '../recipes/recipe.entity.js';
import { User } from '../users/user.entity.js';
import { Init1795400040487 } from './migrations/1795400040487-Init.js';
import { TokensAndMail1795402053735 } from './migrations/1795402053735-TokensAndMail.js';

export const entities = [User, Session, RefreshToken, OneTimeToken, Recipe];

/** The one place that turns configuration into TypeORM options, for the app and the CLI. */
export function buildDataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return {
    type: 'better-sqlite3',
    database: config.path,
    entities,
    migrations: [Init1795400040487, TokensAndMail1795402053735],
    migrationsRun: true,
    synchronize: false,
    // WAL lets readers run beside the writer; FULL keeps a committed row through a power cut.
    enableWAL: config.path !== ':memory:',
    timeout: 5000,
    prepareDatabase: (db: Database) => {
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      // SQLite's lower() folds A–Z only; keyword search needs É to match é.
      db.function('unicode_lower', { deterministic: true }, (text) =>
        typeof text === 'string' ? text.toLowerCase() : text,
      );
    },
  };
}
