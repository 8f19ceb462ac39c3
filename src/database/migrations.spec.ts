import { DataSource } from 'typeorm';
import {
  createTestDatabase,
  runSql,
  testEngine,
  type TestDatabase,
} from '../../test/helpers/database.js';
import { Recipe } from '../recipes/recipe.entity.js';
import { whereLabelContains } from '../recipes/label-search.js';
import { buildDataSourceOptions } from './database.options.js';
import { initializeDataSource } from './initialize.js';

describe('migrations', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeEach(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource(
      buildDataSourceOptions(
        testEngine === 'postgres'
          ? { engine: 'postgres', url: database.url, poolSize: 2 }
          : { engine: 'sqlite', path: ':memory:' },
      ),
    ).initialize();
  });
  afterEach(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('should build exactly the schema the entities describe', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    if (testEngine === 'sqlite') {
      const [{ foreign_keys }] = await dataSource.query('PRAGMA foreign_keys');
      expect(foreign_keys).toBe(1);
    }
    await expect(
      runSql(dataSource, 'INSERT INTO recipes (label, submitter_id) VALUES (?, ?)', ['x', 999]),
    ).rejects.toThrow(/FOREIGN KEY constraint failed|violates foreign key constraint/);
  });

  it("should let the previous version's session insert, without auth_time or amr, through (rolling upgrades)", async () => {
    await runSql(dataSource, 'INSERT INTO users (email, hashed_password) VALUES (?, ?)', [
      'old@example.com',
      'x',
    ]);
    await runSql(
      dataSource,
      'INSERT INTO sessions (id, user_id, last_used_at, expires_at, scope) VALUES (?, 1, ?, ?, ?)',
      [
        '5b0f1f52-7d0e-4e55-9a3c-0d9c9f1f1a11',
        '2026-12-05 10:00:00',
        '2027-01-04 10:00:00',
        'profile',
      ],
    );

    const [row] = await runSql<{ auth_time: unknown; amr: string }[]>(
      dataSource,
      'SELECT auth_time, amr FROM sessions',
    );
    expect(row).toEqual({ auth_time: expect.anything(), amr: 'pwd' });
  });

  it('should index for keyword search the recipes that exist when the search migration runs', async () => {
    const search = dataSource.migrations.findIndex((migration) =>
      migration.name?.startsWith('RecipeSearch'),
    );
    expect(search).toBeGreaterThan(0);
    for (let i = search; i < dataSource.migrations.length; i++)
      await dataSource.undoLastMigration();
    await runSql(
      dataSource,
      "INSERT INTO users (email, hashed_password) VALUES ('old@example.com', '!')",
    );
    await runSql(
      dataSource,
      "INSERT INTO recipes (label, submitter_id) SELECT 'Old Chicken Pie', id FROM users",
    );
    await runSql(
      dataSource,
      "INSERT INTO recipes (label, submitter_id) SELECT 'Old Bean Stew', id FROM users",
    );
    await dataSource.runMigrations();

    const matching = async (keyword: string) => {
      const qb = dataSource
        .getRepository(Recipe)
        .createQueryBuilder('recipe')
        .orderBy('recipe.id', 'DESC');
      whereLabelContains(qb, keyword, { take: 10 });
      return (await qb.getMany()).map((recipe) => recipe.label);
    };
    await expect(matching('CHICKEN')).resolves.toEqual(['Old Chicken Pie']);
    await expect(matching('old')).resolves.toEqual(['Old Bean Stew', 'Old Chicken Pie']);
  });

  it.runIf(testEngine === 'postgres')(
    'should keep no pending list on the search index, so a search never scans unmerged rows',
    async () => {
      const options = async () =>
        (
          await dataSource.query<{ reloptions: string[] | null }[]>(
            `SELECT reloptions FROM pg_class WHERE relname = 'IDX_recipes_label_search'`,
          )
        )[0]?.reloptions;
      await expect(options()).resolves.toEqual(['fastupdate=off']);
      // Undo back to and including the migration that set it.
      const { migrations } = dataSource;
      const setIt = migrations.findIndex((m) => m.name?.startsWith('RecipeSearchNoPendingList'));
      for (let i = setIt; i < migrations.length; i++) await dataSource.undoLastMigration();
      await expect(options()).resolves.toBeNull();
    },
  );

  it('should undo every migration cleanly', async () => {
    for (const _ of dataSource.migrations) await dataSource.undoLastMigration();
    const tables = await dataSource.query(
      testEngine === 'sqlite'
        ? "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger', 'index') AND name NOT IN ('migrations', 'sqlite_sequence')"
        : "SELECT relname AS name FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'i', 'S') AND relname NOT IN ('migrations', 'migrations_pkey', 'PK_8c82d7f526340ab734260ea46be', 'migrations_id_seq')",
    );
    expect(tables).toEqual([]);
  });
});

describe.runIf(testEngine === 'postgres')('migrations at start on PostgreSQL', () => {
  it('should let instances that start together on an empty database take turns: all start, each migration applied once', async () => {
    const database = await createTestDatabase();
    const options = buildDataSourceOptions({ engine: 'postgres', url: database.url, poolSize: 1 });
    try {
      const started = await Promise.allSettled([1, 2, 3].map(() => initializeDataSource(options)));
      const [dataSource] = started.map((result) => {
        if (result.status === 'rejected') throw result.reason;
        return result.value;
      });
      const applied = await dataSource.query<{ name: string }[]>(
        'SELECT name FROM migrations ORDER BY id',
      );
      expect(applied.map((row) => row.name)).toEqual(
        dataSource.migrations.map((migration) => migration.name),
      );
      await expect(dataSource.driver.createSchemaBuilder().log()).resolves.toMatchObject({
        upQueries: [],
      });
      for (const result of started) if (result.status === 'fulfilled') await result.value.destroy();
    } finally {
      await database.drop();
    }
  });
});
