// Bench data: accounts through the API (real argon2 hashes), recipes in bulk straight into the database.
import Database from 'better-sqlite3';
import pg from 'pg';

const ADJECTIVES = ['Classic', 'Spicy', 'Smoky', 'Creamy', 'Crispy', 'Roasted', 'Grilled', 'Braised', 'Lemony', 'Garlicky',
  'Herbed', 'Golden', 'Rustic', 'Quick', 'Slow-Cooked', 'Sticky', 'Tangy', 'Sweet', 'Savory', 'Charred'];
const INGREDIENTS = ['Chicken', 'Beef', 'Pork', 'Lamb', 'Tofu', 'Salmon', 'Shrimp', 'Mushroom', 'Cauliflower', 'Chickpea',
  'Lentil', 'Potato', 'Eggplant', 'Pumpkin', 'Spinach', 'Tomato', 'Cod', 'Duck', 'Turkey', 'Halloumi', 'Paneer', 'Squash',
  'Broccoli', 'Carrot', 'Bean'];
const DISHES = ['Curry', 'Stew', 'Salad', 'Soup', 'Tacos', 'Pie', 'Risotto', 'Skillet', 'Traybake', 'Burger', 'Bowl',
  'Pasta', 'Casserole', 'Kebabs', 'Fritters', 'Noodles', 'Gratin', 'Tagine', 'Chowder', 'Sandwich'];
const SOURCES = ['Serious Eats', 'BBC Good Food', 'Bon Appétit', 'NYT Cooking', 'Smitten Kitchen', null];

/**
 * The search scenario cycles through these: two common words (about 4% and 5% of labels: the
 * newest 11 matches are near the top), a rare one (1 in 10,000) and one no label has. The last
 * two make the server scan the whole table, as any selective search does without a text index.
 */
export const SEARCH_KEYWORDS = ['chicken', 'curry', 'vesuvio', 'quinoa'];

/** The i-th recipe (1-based), the same on every run. */
export function recipeRow(i, submitterIds) {
  const h = Math.imul(i, 2654435761) >>> 0;
  const label = `${ADJECTIVES[h % 20]} ${INGREDIENTS[(h >>> 5) % 25]} ${DISHES[(h >>> 10) % 20]}${i % 10_000 === 7 ? ' Vesuvio' : ''}`;
  return [label, SOURCES[(h >>> 15) % 6], `https://example.com/recipes/${i}`, submitterIds[i % submitterIds.length]];
}

/** Runs `task` on every item with at most `limit` in flight. */
export async function pool(items, limit, task) {
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

async function call(server, method, path, { body, form, token } = {}) {
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
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Signs `count` accounts up through the API; all share one password (logins use the right one only). */
export async function signUp(server, count, prefix, password) {
  const accounts = Array.from({ length: count }, (_, i) => ({ email: `${prefix}${i}@bench.example.com`, password }));
  await pool(accounts, 4, (account) => call(server, 'POST', '/api/v1/auth/signup', { body: account }));
  return accounts;
}

/** A password-grant login; the full token response. */
export function login(server, account) {
  return call(server, 'POST', '/api/v1/auth/login', {
    form: { grant_type: 'password', username: account.email, password: account.password },
  });
}

export function me(server, token) {
  return call(server, 'GET', '/api/v1/auth/me', { token });
}

function sqliteFile(databaseUrl) {
  return databaseUrl.slice('sqlite:'.length);
}

/** Inserts `count` recipes in one transaction through one prepared statement. */
export async function seedRecipes(databaseUrl, count, submitterIds) {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Database(sqliteFile(databaseUrl));
    try {
      db.pragma('synchronous = OFF'); // this connection only: bulk load, the server keeps FULL
      db.pragma('cache_size = -262144');
      const insert = db.prepare('INSERT INTO recipes (label, source, url, submitter_id) VALUES (?, ?, ?, ?)');
      // Triggers that keep a search index in step are set aside and the index rebuilt once at the
      // end: the same index, five times faster than one trigger call per row.
      const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'recipes'").all();
      const indexes = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%' AND sql LIKE '%content=''recipes''%'")
        .pluck()
        .all()
        .map(String);
      db.transaction(() => {
        for (const { name } of triggers) db.exec(`DROP TRIGGER "${name}"`);
        for (let i = 1; i <= count; i++) insert.run(recipeRow(i, submitterIds));
        for (const name of indexes) db.exec(`INSERT INTO "${name}"("${name}") VALUES ('rebuild')`);
        for (const { sql } of triggers) db.exec(sql);
      })();
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const batch = 50_000;
    for (let start = 1; start <= count; start += batch) {
      const columns = [[], [], [], []];
      for (let i = start; i < Math.min(start + batch, count + 1); i++) {
        recipeRow(i, submitterIds).forEach((value, c) => columns[c].push(value));
      }
      await client.query(
        'INSERT INTO recipes (label, source, url, submitter_id) SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::int[])',
        columns,
      );
    }
    await client.query('ANALYZE recipes');
  } finally {
    await client.end();
  }
}

/** Account ids by email, read straight from the database. */
export async function userIds(databaseUrl) {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Database(sqliteFile(databaseUrl), { readonly: true });
    try {
      return db.prepare('SELECT id FROM users ORDER BY id').pluck().all();
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query('SELECT id FROM users ORDER BY id')).rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

/** CREATE / DROP DATABASE on the PostgreSQL server `baseUrl` points at. */
export async function pgAdmin(baseUrl, sql) {
  const client = new pg.Client({ connectionString: `${baseUrl.replace(/\/+$/, '')}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
