import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './database.options.js';

describe('migrations', () => {
  it('should build exactly the schema the entities describe', async () => {
    const dataSource = await new DataSource(buildDataSourceOptions({ path: ':memory:' })).initialize();
    try {
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
      const [{ foreign_keys }] = await dataSource.query('PRAGMA foreign_keys');
      expect(foreign_keys).toBe(1);
    } finally {
      await dataSource.destroy();
    }
  });

  it('should undo every migration cleanly', async () => {
    const dataSource = await new DataSource(buildDataSourceOptions({ path: ':memory:' })).initialize();
    try {
      for (const _ of dataSource.migrations) await dataSource.undoLastMigration();
      const tables = await dataSource.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('migrations', 'sqlite_sequence')",
      );
      expect(tables).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});
