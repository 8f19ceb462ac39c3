import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pg from 'pg';
import type { DataSource } from 'typeorm';

/** `npm run test:pg` (vitest.pg.config.ts) sets TEST_ENGINE=postgres; `npm test` runs on SQLite. */
export const testEngine: 'sqlite' | 'postgres' =
  process.env.TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

const ADMIN_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A database of its own: in-memory SQLite (a file in a temporary directory when `file`, for a
 * test that boots twice on one database), or a PostgreSQL database with a random name, made
 * through TEST_DATABASE_URL's connection and dropped by `drop()`.
 */
export async function createTestDatabase({ file = false } = {}): Promise<TestDatabase> {
  if (testEngine === 'sqlite') {
    if (!file) return { url: 'sqlite::memory:', drop: async () => {} };
    const dir = mkdtempSync(join(tmpdir(), 'recipe-api-db-'));
    return {
      url: `sqlite:${join(dir, 'recipes.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  // Named after the spec file, so a database left behind by a crashed run says where it came from.
  const spec = basename(expect.getState().testPath ?? 'unknown')
    .split('.')[0]!
    .replace(/\W/g, '_')
    .slice(0, 30);
  const name = `recipe_test_${spec}_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** 'YYYY-MM-DD HH:MM:SS.SSS' in UTC: how TypeORM stores a Date in SQLite. */
function utcText(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

const BOOL_OID = 16;
const INT8_OID = 20;
const TIMESTAMP_OID = 1114;

// PostgreSQL rows in SQLite's shapes, so one assertion fits both engines.
const sqliteShapes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => {
    if (oid === BOOL_OID) return (text: string) => (text === 't' ? 1 : 0);
    if (oid === INT8_OID) return (text: string) => Number(text);
    if (oid === TIMESTAMP_OID)
      return (text: string) => utcText(new Date(`${text.replace(' ', 'T')}Z`));
    return pg.types.getTypeParser(oid, format);
  },
};

/** `?` placeholders (outside quoted literals) as PostgreSQL's `$1`, `$2`, … */
function numbered(text: string): string {
  let n = 0;
  return text.replace(/'(?:[^']|'')*'|\?/g, (match) => (match === '?' ? `$${++n}` : match));
}

/**
 * Raw SQL in tests, written once for both engines: `?` placeholders, Dates as parameters
 * (`minutesAgo(1)`), and rows as SQLite returns them — booleans 0/1, counts as numbers,
 * timestamps as UTC text.
 */
export async function runSql<T = any>(
  db: DataSource,
  text: string,
  params: unknown[] = [],
): Promise<T> {
  const values = params.map((value) => (value instanceof Date ? utcText(value) : value));
  if (db.options.type !== 'postgres') return db.query<T>(text, values);
  const pool = (db.driver as unknown as { master: pg.Pool }).master;
  const result = await pool.query({ text: numbered(text), values, types: sqliteShapes });
  return result.rows as T;
}

/** A timestamp `minutes` ago, as a parameter for runSql. */
export function minutesAgo(minutes: number): Date {
  return new Date(Date.now() - minutes * 60_000);
}
