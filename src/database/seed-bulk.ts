// `npm run seed:bulk -- --recipes 1000000 [--owners 5]`: fills DATABASE_URL with recipes for measurement.
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { readDatabaseConfig } from '../config/database.config.js';
import { insertRecipes } from './bulk-recipes.js';
import { buildDataSourceOptions } from './database.options.js';

const { values } = parseArgs({
  options: { recipes: { type: 'string' }, owners: { type: 'string', default: '5' } },
});
const count = Number(values.recipes);
const ownerCount = Number(values.owners);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(ownerCount) || ownerCount < 1) {
  console.error('Usage: npm run seed:bulk -- --recipes 1000000 [--owners 5]');
  process.exit(2);
}

const config = readDatabaseConfig();
// No statement timeout: one transaction loads everything.
const dataSource = await new DataSource(
  buildDataSourceOptions(config, { statementTimeoutMs: 0 }),
).initialize();
try {
  const started = performance.now();
  // Owners can own, not log in: '!' is no argon2 hash, so no password matches it.
  const emails = Array.from(
    { length: ownerCount },
    (_, n) => `bulk-owner-${n + 1}@example.invalid`,
  );
  const param = (n: number) => (config.engine === 'postgres' ? `$${n}` : '?');
  const rows = emails.map((_, n) => `(${param(n + 1)}, '!')`).join(', ');
  await dataSource.query(
    `INSERT INTO users (email, hashed_password) VALUES ${rows} ON CONFLICT DO NOTHING`,
    emails,
  );
  const owners = (
    await dataSource.query<{ id: number }[]>(
      `SELECT id FROM users WHERE email IN (${emails.map((_, n) => param(n + 1)).join(', ')}) ORDER BY id`,
      emails,
    )
  ).map((row) => row.id);
  const first =
    1 +
    Number((await dataSource.query<{ n: number }[]>('SELECT count(*) AS n FROM recipes'))[0]!.n);

  await insertRecipes(dataSource, first, count, owners);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `Seeded ${count} recipes for ${owners.length} owners on ${config.engine} in ${seconds.toFixed(1)} s.`,
  );
} finally {
  await dataSource.destroy();
}
