// @ts-check
// Bench data: accounts through the API (real argon2 hashes), recipes in bulk straight into the
// database by the build's own `seed:bulk` script (dist/database/seed-bulk.js).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';

/** @typedef {import('./server.mjs').Server} Server */
/** @typedef {{ email: string, password: string }} Account */

/**
 * Runs `task` on every item with at most `limit` in flight.
 * @template T, R
 * @param {T[]} items @param {number} limit @param {(item: T, index: number) => Promise<R>} task
 * @returns {Promise<R[]>}
 */
export async function pool(items, limit, task) {
  /** @type {R[]} */
  const results = Array.from({ length: items.length });
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * @param {Server} server @param {string} method @param {string} path
 * @param {{ body?: object, form?: Record<string, string>, token?: string }} [options]
 */
async function call(server, method, path, { body, form, token } = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body) headers['content-type'] = 'application/json';
  if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body ? JSON.stringify(body) : form ? new URLSearchParams(form).toString() : undefined,
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Signs `count` accounts up through the API; all share one password (logins use the right one only).
 * @param {Server} server @param {number} count @param {string} prefix @param {string} password
 * @returns {Promise<Account[]>}
 */
export async function signUp(server, count, prefix, password) {
  const accounts = Array.from({ length: count }, (_, i) => ({
    email: `${prefix}${i}@bench.example.com`,
    password,
  }));
  await pool(accounts, 4, (account) =>
    call(server, 'POST', '/api/v1/auth/signup', { body: account }),
  );
  return accounts;
}

/**
 * A password-grant login; the full token response.
 * @param {Server} server @param {Account} account
 * @returns {Promise<{ access_token: string, refresh_token: string }>}
 */
export function login(server, account) {
  return call(server, 'POST', '/api/v1/auth/login', {
    form: { grant_type: 'password', username: account.email, password: account.password },
  });
}

/** @param {Server} server @param {string} token */
export function me(server, token) {
  return call(server, 'GET', '/api/v1/auth/me', { token });
}

/**
 * `count` recipes into the database at `databaseUrl`, while no server runs, by the seed:bulk
 * script of the build in `dir` (the generator the server's own tooling uses).
 * @param {string} dir @param {Record<string, string>} env @param {string} databaseUrl @param {number} count
 */
export async function seedRecipes(dir, env, databaseUrl, count) {
  await promisify(execFile)(
    process.execPath,
    ['dist/database/seed-bulk.js', '--recipes', String(count)],
    {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env, DATABASE_URL: databaseUrl },
    },
  );
}

/** CREATE / DROP DATABASE on the PostgreSQL server `baseUrl` points at. */
/** @param {string} baseUrl @param {string} sql */
export async function pgAdmin(baseUrl, sql) {
  const client = new pg.Client({ connectionString: `${baseUrl.replace(/\/+$/, '')}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
