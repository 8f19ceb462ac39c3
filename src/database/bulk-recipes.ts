import type { Database } from 'better-sqlite3';
import type { DataSource } from 'typeorm';

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

export type RecipeRow = [label: string, source: string | null, url: string, submitterId: number];

/**
 * The i-th recipe, the same on every run: 1 label in 20 has "Chicken", 1 in 20 "Curry", spread
 * evenly over the ids, and 1 in 10,000 "Vesuvio" (a selective search); no label has "Quinoa".
 */
export function recipeRow(i: number, owners: readonly number[]): RecipeRow {
  const h = Math.imul(i, 2654435761) >>> 0;
  const rare = i % 10_000 === 7 ? ' Vesuvio' : '';
  const label = `${STYLES[h % 20]} ${MAINS[(h >>> 5) % 20]} ${DISHES[(h >>> 10) % 20]}${SIDES[(h >>> 15) % 8]}${rare}`;
  return [
    label,
    SOURCES[(h >>> 18) % 5]!,
    `https://example.com/recipes/${i}`,
    owners[i % owners.length]!,
  ];
}

/** Inserts recipes `first` … `first + count - 1` in one transaction, the fastest way each engine has. */
export async function insertRecipes(
  dataSource: DataSource,
  first: number,
  count: number,
  owners: readonly number[],
): Promise<void> {
  if (dataSource.options.type === 'postgres') {
    // One array parameter per column: 10,000 rows per statement.
    await dataSource.transaction(async (manager) => {
      for (let start = first; start < first + count; start += 10_000) {
        const columns: unknown[][] = [[], [], [], []];
        for (let i = start; i < Math.min(start + 10_000, first + count); i++) {
          recipeRow(i, owners).forEach((value, c) => columns[c]!.push(value));
        }
        await manager.query(
          'INSERT INTO recipes (label, source, url, submitter_id) SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::int[])',
          columns,
        );
      }
    });
    await dataSource.query('ANALYZE recipes');
    return;
  }
  const db = (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection;
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
    for (let i = first; i < first + count; i++) insert.run(recipeRow(i, owners));
    db.exec(`INSERT INTO recipes_fts(recipes_fts) VALUES ('rebuild')`);
    for (const { sql } of triggers) db.exec(sql);
  })();
  db.exec('ANALYZE');
}
