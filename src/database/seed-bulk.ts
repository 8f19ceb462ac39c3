// `npm run seed:bulk -- --recipes 1000000 [--owners 5]`: fills DATABASE_URL with recipes for measurement.
import { parseArgs } from 'node:util';
import type { Database } from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { readDatabaseConfig } from '../config/database.config.js';
import { buildDataSourceOptions } from './database.options.js';

const STYLES = (
  'Classic Spicy Smoky Creamy Crispy Roasted Grilled Braised Lemony Garlicky ' +
  'Herbed Golden Rustic Quick Slow-Cooked Sticky Tangy Sweet Savory Charred'
).split(' ');
const MAINS = (
  'Chicken Beef Pork Lamb Tofu Salmon Shrimp Mushroom Cauliflower Chickpea ' +
  'Lentil Potato Eggplant Pumpkin Spinach Tomato Cod Duck Turkey Halloumi'
).split(' ');
const DISHES = (
  'Curry Stew Salad Soup Tacos Pie Risotto Skillet Traybake Burger ' +
  'Bowl Pasta Casserole Kebabs Fritters Noodles Gratin Tagine Chowder Sandwich'
).split(' ');
const SIDES = [
  '',
  '',
  '',
  '',
  ' with Crème Fraîche',
  ' with Jalapeño Salsa',
  ' with Rice',
  ' with Greens',
];
const SOURCES = ['Serious Eats', 'BBC Good Food', 'Bon Appétit', 'NYT Cooking', null];

type Row = [label: string, source: string | null, url: string, submitterId: number];

/** The i-th recipe, the same on every run: 1 label in 20 has "Chicken", spread evenly over the ids. */
function recipe(i: number, owners: number[]): Row {
  const h = Math.imul(i, 2654435761) >>> 0;
  const label = `${STYLES[h % 20]} ${MAINS[(h >>> 5) % 20]} ${DISHES[(h >>> 10) % 20]}${SIDES[(h >>> 15) % 8]}`;
  return [
    label,
    SOURCES[(h >>> 18) % 5]!,
    `https://example.com/recipes/${i}`,
    owners[i % owners.length]!,
  ];
}

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

  if (config.engine === 'postgres') {
    // One array parameter per column: 10,000 rows per statement, all in one transaction.
    await dataSource.transaction(async (manager) => {
      for (let start = first; start < first + count; start += 10_000) {
        const columns: unknown[][] = [[], [], [], []];
        for (let i = start; i < Math.min(start + 10_000, first + count); i++) {
          recipe(i, owners).forEach((value, c) => columns[c]!.push(value));
        }
        await manager.query(
          'INSERT INTO recipes (label, source, url, submitter_id) SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::int[])',
          columns,
        );
      }
    });
    await dataSource.query('ANALYZE recipes');
  } else {
    const db = (dataSource.driver as unknown as { databaseConnection: Database })
      .databaseConnection;
    const insert = db.prepare(
      'INSERT INTO recipes (label, source, url, submitter_id) VALUES (?, ?, ?, ?)',
    );
    // The search index's triggers are set aside and the index rebuilt once: the same index, faster.
    const triggers = db
      .prepare<[], { name: string; sql: string }>(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'recipes'",
      )
      .all();
    db.transaction(() => {
      for (const { name } of triggers) db.exec(`DROP TRIGGER "${name}"`);
      for (let i = first; i < first + count; i++) insert.run(recipe(i, owners));
      db.exec(`INSERT INTO recipes_fts(recipes_fts) VALUES ('rebuild')`);
      for (const { sql } of triggers) db.exec(sql);
    })();
    db.exec('ANALYZE');
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `Seeded ${count} recipes for ${owners.length} owners on ${config.engine} in ${seconds.toFixed(1)} s.`,
  );
} finally {
  await dataSource.destroy();
}
