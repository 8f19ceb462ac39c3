import { DataSource, MigrationExecutor, type DataSourceOptions } from 'typeorm';

/** pg_advisory_lock key of the migrations: any 64-bit number other code of the database does not use. */
const MIGRATIONS_LOCK = 4_735_120_117;

/**
 * Connects and applies pending migrations. On PostgreSQL, instances that start together (a
 * rolling deploy of N) take turns under an advisory lock: without it the second one's CREATE
 * TABLE fails on the first one's and that instance exits. The lock and the migrations share one
 * connection, so DATABASE_POOL_SIZE=1 works too. The wait counts against the 5 s statement
 * timeout, like the migrations themselves: run long ones with `npm run migration:run` first.
 */
export async function initializeDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
  if (!options.migrationsRun) return dataSource;
  try {
    if (options.type === 'postgres') await migrateLocked(dataSource);
    else await dataSource.runMigrations();
  } catch (error) {
    await dataSource.destroy(); // as TypeORM does when its own migrationsRun fails
    throw error;
  }
  return dataSource;
}

async function migrateLocked(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK]);
    await new MigrationExecutor(dataSource, runner).executePendingMigrations();
  } finally {
    // Closing the connection would drop the lock too; unlocking hands it on at once.
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
