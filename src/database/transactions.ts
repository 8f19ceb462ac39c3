import { AsyncLocalStorage } from 'node:async_hooks';
import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsModule } from 'nestjs-cls';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';

/**
 * One unit of work at a time on a connection: a transaction, or a single statement. Whatever a
 * unit calls (nested transactions, event listeners, plain queries) runs in it at once, without
 * waiting for itself; work it leaves running after it ends waits its turn like any other.
 */
export class ConnectionLock {
  private readonly unit = new AsyncLocalStorage<object>();
  private holder: object | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  /** Whether the caller runs inside the unit that holds the connection. */
  get held(): boolean {
    return this.holder !== undefined && this.unit.getStore() === this.holder;
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.held) return work();
    const turn = this.tail.then(async () => {
      const holder = {};
      this.holder = holder;
      try {
        return await this.unit.run(holder, work);
      } finally {
        this.holder = undefined;
      }
    });
    this.tail = turn.catch(() => undefined);
    return turn;
  }
}

/** Statements that write nothing: they never make or undo a row, so they need no turn. */
const READ = /^\s*SELECT\b/i;

/**
 * better-sqlite3 gives TypeORM one connection and one QueryRunner for the whole DataSource, and a
 * transaction begun while another is open is only a savepoint of it: the first one's commit would
 * wait for the second's, and the second's rollback would undo both — and every statement another
 * request ran in between. So on SQLite the connection serves one unit at a time: every transaction
 * (ours, and TypeORM's own around save() and remove()) and every write outside one takes its turn.
 * Reads outside a transaction do not wait: they may see an open transaction's writes.
 */
function serializeSqlite(dataSource: DataSource): ConnectionLock {
  const lock = new ConnectionLock();
  const manager: EntityManager = dataSource.manager; // DataSource.transaction and every repository use it
  for (const method of ['transaction', 'save', 'remove', 'softRemove', 'recover'] as const) {
    const original = manager[method].bind(manager) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(manager, { [method]: (...args: unknown[]) => lock.run(() => original(...args)) });
  }
  const runner: QueryRunner = dataSource.driver.createQueryRunner('master'); // the shared one
  const query = runner.query.bind(runner) as (sql: string, ...rest: unknown[]) => Promise<unknown>;
  runner.query = ((sql: string, ...rest: unknown[]) =>
    READ.test(sql)
      ? query(sql, ...rest)
      : lock.run(() => query(sql, ...rest))) as QueryRunner['query'];
  return lock;
}

/** TypeORM's adapter; on SQLite every transaction it opens waits for the connection (serializeSqlite). */
class TransactionalAdapter extends TransactionalAdapterTypeOrm {
  private static readonly locks = new WeakMap<DataSource, ConnectionLock>();

  constructor(options: ConstructorParameters<typeof TransactionalAdapterTypeOrm>[0]) {
    super(options);
    const factory = this.optionsFactory;
    this.optionsFactory = (dataSource) => {
      const options = factory(dataSource);
      if (dataSource.options.type !== 'better-sqlite3') return options; // PostgreSQL: a connection each
      const lock = TransactionalAdapter.lockOf(dataSource);
      return {
        ...options,
        wrapWithTransaction: (txOptions, fn, setClient) =>
          lock.run(() => options.wrapWithTransaction(txOptions, fn, setClient)),
      };
    };
  }

  private static lockOf(dataSource: DataSource): ConnectionLock {
    let lock = this.locks.get(dataSource);
    if (!lock) this.locks.set(dataSource, (lock = serializeSqlite(dataSource)));
    return lock;
  }
}

/**
 * The one transaction mechanism: `@Transactional()` or `Transactions.withTransaction()` opens a
 * transaction, and every query made through `Transactions.tx` inside it, in any service, joins
 * it. No request-wide context is mounted: one starts with each transaction only. On SQLite,
 * transactions and writes outside them take turns on the one connection (serializeSqlite);
 * PostgreSQL runs them side by side on its pool.
 */
export const TransactionsModule = ClsModule.forRoot({
  global: true,
  plugins: [
    new ClsPluginTransactional({
      adapter: new TransactionalAdapter({ dataSourceToken: DataSource }),
    }),
  ],
});

/** Injected as `TransactionHost`; `tx` is the EntityManager of the current transaction, or the default one. */
export type Transactions = TransactionHost<TransactionalAdapterTypeOrm>;
