import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { createTestDatabase } from './helpers/database.js';

/** The TypeORM CLI as the README runs it (`npm run migration:run`), on its own test database. */
describe('the TypeORM CLI (ormconfig.ts)', () => {
  it('should load the DataSource and apply every migration, leaving no entity change unmigrated', async () => {
    const database = await createTestDatabase({ file: true });
    const url = database.url;
    const run = (...args: string[]) =>
      promisify(execFile)('npx', ['typeorm-ts-node-esm', '-d', 'ormconfig.ts', ...args], {
        env: { ...process.env, DATABASE_URL: url },
        timeout: 120_000,
      });
    try {
      const migrated = await run('migration:run');
      const drift = await run('migration:generate', '--dryrun', `${tmpdir()}/Drift`).catch(
        (error: { stdout: string; code: number }) => error,
      );

      expect(migrated.stdout).toMatch(/Migration \w+ has been executed successfully/);
      expect(drift.stdout).toContain('No changes in database schema were found');
    } finally {
      await database.drop();
    }
  }, 240_000);
});
