import { resolve } from 'node:path';
import { validateEnv } from './env.schema.js';

/** `sqlite::memory:` → `:memory:`, `sqlite:data/recipes.db` → an absolute file path. */
export function sqlitePath(databaseUrl: string): string {
  const location = databaseUrl.slice('sqlite:'.length);
  return location === ':memory:' ? location : resolve(location);
}

// Kept free of Nest imports: the TypeORM CLI loads it through ormconfig.ts.
export function readDatabaseConfig() {
  return { path: sqlitePath(validateEnv(process.env).DATABASE_URL) };
}

export type DatabaseConfig = ReturnType<typeof readDatabaseConfig>;
