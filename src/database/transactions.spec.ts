import { randomUUID } from 'node:crypto';
import { Propagation, TransactionHost } from '@nestjs-cls/transactional';
import type { TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { runSql } from '../../test/helpers/database.js';
import { createServiceModule } from '../../test/helpers/module.js';
import { User } from '../users/user.entity.js';
import type { Transactions } from './transactions.js';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class Refused extends Error {}

/**
 * Transactions that overlap in time stay apart on both engines. On SQLite they share TypeORM's one
 * connection, where a transaction begun inside another would only be a savepoint of it: one that
 * rolls back would take the other's committed work, and statements of other requests, with it.
 */
describe('Transactions', () => {
  let module: TestingModule;
  let db: Transactions;
  let dataSource: DataSource;

  beforeAll(async () => {
    module = await createServiceModule([]);
    db = module.get<Transactions>(TransactionHost);
    dataSource = module.get(DataSource);
  });
  afterAll(() => module.close());

  const email = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;
  /** A row written in the caller's transaction, if any. */
  const insertUser = (address: string) =>
    db.tx.getRepository(User).insert({ email: address, hashedPassword: 'x' });
  const stored = async (...addresses: string[]) => {
    const rows = await runSql<{ email: string }[]>(dataSource, 'SELECT email FROM users');
    const all = new Set(rows.map((row) => row.email));
    return addresses.filter((address) => all.has(address));
  };
  /** Opens a transaction that writes `address`, waits `ms` and rolls back. */
  const failing = (address: string, ms: number) =>
    db.withTransaction(async () => {
      await insertUser(address);
      await pause(ms);
      throw new Refused();
    });

  it("should keep a committed transaction's row when one that overlaps it rolls back", async () => {
    const [kept, dropped] = [email('kept'), email('dropped')];
    let inserted!: () => void;
    const firstInserted = new Promise<void>((resolve) => (inserted = resolve));
    const first = db.withTransaction(async () => {
      await insertUser(kept);
      inserted();
      await pause(30);
    });
    // The second starts while the first is open, writes, and fails after the first committed.
    const second = expect(firstInserted.then(() => failing(dropped, 60))).rejects.toThrow(Refused);

    await expect(first).resolves.toBeUndefined();
    await second;
    expect(await stored(kept, dropped)).toEqual([kept]);
  });

  it('should keep every commit of many overlapping transactions while others roll back', async () => {
    const committed = Array.from({ length: 20 }, () => email('committed'));
    const rolledBack = Array.from({ length: 20 }, () => email('rolled-back'));
    const results = await Promise.allSettled([
      ...committed.map((address, i) =>
        db.withTransaction(async () => {
          await pause(i % 3);
          await insertUser(address);
          await pause(1);
        }),
      ),
      ...rolledBack.map((address, i) => failing(address, i % 4)),
    ]);

    expect(results.slice(0, 20).every((result) => result.status === 'fulfilled')).toBe(true);
    expect(results.slice(20).every((result) => result.status === 'rejected')).toBe(true);
    expect(await stored(...committed, ...rolledBack)).toEqual(committed);
  });

  it('should keep plain writes made while a transaction is open when it rolls back', async () => {
    const [dropped, plainInsert, plainSave] = [email('dropped'), email('insert'), email('save')];
    const open = expect(failing(dropped, 40)).rejects.toThrow(Refused);
    await pause(5);
    // Outside any transaction: one statement, and save()'s own transaction.
    await dataSource.getRepository(User).insert({ email: plainInsert, hashedPassword: 'x' });
    await dataSource
      .getRepository(User)
      .save(dataSource.getRepository(User).create({ email: plainSave, hashedPassword: 'x' }));

    await open;
    expect(await stored(dropped, plainInsert, plainSave)).toEqual([plainInsert, plainSave]);
  });

  it('should keep a transaction apart from a save() begun before it', async () => {
    const [saved, dropped] = [email('saved'), email('dropped')];
    const users = dataSource.getRepository(User);
    const save = users.save(users.create({ email: saved, hashedPassword: 'x' }));
    const open = expect(failing(dropped, 10)).rejects.toThrow(Refused);

    await expect(save).resolves.toMatchObject({ email: saved });
    await open;
    expect(await stored(saved, dropped)).toEqual([saved]);
  });

  it('should keep a transaction apart from one TypeORM opens itself (DataSource.transaction)', async () => {
    const [kept, dropped] = [email('kept'), email('dropped')];
    const own = expect(
      dataSource.transaction(async (manager) => {
        await manager.getRepository(User).insert({ email: dropped, hashedPassword: 'x' });
        await pause(40);
        throw new Refused();
      }),
    ).rejects.toThrow(Refused);
    await pause(5);
    await db.withTransaction(() => insertUser(kept));

    await own;
    expect(await stored(kept, dropped)).toEqual([kept]);
  });

  it('should not hold a later transaction for work a finished one left running', async () => {
    const [late, dropped] = [email('late'), email('dropped')];
    let leftRunning!: Promise<unknown>;
    await db.withTransaction(async () => {
      // Outlives its transaction, and writes while the next one is open.
      leftRunning = pause(20).then(() =>
        dataSource.getRepository(User).insert({ email: late, hashedPassword: 'x' }),
      );
    });
    const open = expect(failing(dropped, 50)).rejects.toThrow(Refused);

    await leftRunning;
    await open;
    expect(await stored(late, dropped)).toEqual([late]);
  });

  it('should run transactions opened inside a transaction in it, without waiting for itself', async () => {
    const [outer, required, nested, plain] = [
      email('outer'),
      email('required'),
      email('nested'),
      email('plain'),
    ];
    await db.withTransaction(async () => {
      await insertUser(outer);
      await db.withTransaction(() => insertUser(required));
      await db.withTransaction(Propagation.Nested, () => insertUser(nested));
      await dataSource.getRepository(User).insert({ email: plain, hashedPassword: 'x' });
    });
    expect(await stored(outer, required, nested, plain)).toEqual([outer, required, nested, plain]);
  });

  it("should roll a nested transaction back alone and keep the outer one's work", async () => {
    const [outer, nested] = [email('outer'), email('nested')];
    await db.withTransaction(async () => {
      await insertUser(outer);
      await expect(
        db.withTransaction(Propagation.Nested, () => failing(nested, 1)),
      ).rejects.toThrow(Refused);
    });
    expect(await stored(outer, nested)).toEqual([outer]);
  });
});
