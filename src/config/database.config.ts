import { resolve } from 'node:path';
import { validateEnv } from './env.schema.js';

/** `sqlite::memory:` → `:memory:`, `sqlite:data/recipes.db` → an absolute file path. */
export function sqlitePath(databaseUrl: string): string {
  const location = databaseUrl.slice('sqlite:'.length);
  return location === ':memory:' ? location : resolve(location);
}

export function isPostgresUrl(databaseUrl: string): boolean {
  return /^postgres(ql)?:\/\//.test(databaseUrl);
}

export type DatabaseConfig =
  { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string; poolSize: number };

// Kept free of Nest imports: the TypeORM CLI loads it through ormconfig.ts.
export function readDatabaseConfig(): DatabaseConfig {
  const env = validateEnv(process.env);
  return isPostgresUrl(env.DATABASE_URL)
    ? { engine: 'postgres', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }
    : { engine: 'sqlite', path: sqlitePath(env.DATABASE_URL) };
}
