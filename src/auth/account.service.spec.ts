import { TransactionHost } from '@nestjs-cls/transactional';
import type { TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { runSql } from '../../test/helpers/database.js';
import { createServiceModule } from '../../test/helpers/module.js';
import type { Transactions } from '../database/transactions.js';
import { MailService } from '../mail/mail.service.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { passwordAttemptsProviders } from '../users/password-attempts.service.js';
import { PasswordService } from '../users/password.service.js';
import { UsersService } from '../users/users.service.js';
import { AccountService } from './account.service.js';
import { InvalidOneTimeTokenError, OneTimeTokensService } from './one-time-tokens.service.js';

describe('AccountService', () => {
  let module: TestingModule;
  let account: AccountService;
  let users: UsersService;
  let sessions: SessionsService;
  let tokens: OneTimeTokensService;
  let db: Transactions;

  beforeAll(async () => {
    module = await createServiceModule([
      AccountService,
      UsersService,
      PasswordService,
      SessionsService,
      SessionsRepository,
      OneTimeTokensService,
      MailService,
      ...passwordAttemptsProviders,
    ]);
    account = module.get(AccountService);
    users = module.get(UsersService);
    sessions = module.get(SessionsService);
    tokens = module.get(OneTimeTokensService);
    db = module.get<Transactions>(TransactionHost);
  });
  afterAll(() => module.close());
  afterEach(() => vi.restoreAllMocks());

  const stored = async (id: number) =>
    (
      await runSql(
        module.get(DataSource),
        'SELECT hashed_password, email_verified FROM users WHERE id = ?',
        [id],
      )
    )[0] as {
      hashed_password: string;
      email_verified: number;
    };

  it('should set the password, end every session and mark the address verified on a reset', async () => {
    const user = await users.create({ email: 'reset@example.com', password: 'first password' });
    const session = await sessions.start(user.id, 'profile', {});
    const before = await stored(user.id);
    await account.resetPassword(await tokens.issue(user.id, 'password_reset'), 'second password');
    const after = await stored(user.id);
    expect(after.hashed_password).not.toBe(before.hashed_password);
    expect(Number(after.email_verified)).toBe(1);
    await expect(sessions.findLiveUser(session.id, user.id)).resolves.toBeUndefined();
  });

  it('should change nothing, and leave the link usable, when ending the sessions fails during a reset', async () => {
    const user = await users.create({
      email: 'atomic-reset@example.com',
      password: 'first password',
    });
    const session = await sessions.start(user.id, 'profile', {});
    const before = await stored(user.id);
    const link = await tokens.issue(user.id, 'password_reset');
    vi.spyOn(sessions, 'revokeAll').mockRejectedValueOnce(new Error('revocation failed'));

    await expect(account.resetPassword(link, 'second password')).rejects.toThrow(
      'revocation failed',
    );
    expect(await stored(user.id)).toEqual(before);
    await expect(sessions.findLiveUser(session.id, user.id)).resolves.toMatchObject({
      id: user.id,
    });
    await expect(account.resetPassword(link, 'second password')).resolves.toBeUndefined();
  });

  it('should void the reset links still out when the password changes', async () => {
    const user = await users.create({ email: 'voided@example.com', password: 'first password' });
    const link = await tokens.issue(user.id, 'password_reset');
    await users.changePassword(user, 'second password', 'the-current-session');
    await expect(account.resetPassword(link, 'third password')).rejects.toThrow(
      InvalidOneTimeTokenError,
    );
  });
  // A reset checks and hashes before its transaction opens: it holds none while argon2 runs.
  it('should hash the new password before its transaction opens', async () => {
    const user = await users.create({
      email: 'hash-first@example.com',
      password: 'first password',
    });
    const inTransaction: boolean[] = [];
    const hash = users.hashPassword.bind(users);
    vi.spyOn(users, 'hashPassword').mockImplementation((password) => {
      inTransaction.push(db.isTransactionActive());
      return hash(password);
    });

    await account.resetPassword(await tokens.issue(user.id, 'password_reset'), 'second password');
    expect(inTransaction).toEqual([false]);
  });

  it('should refuse a password with the account in it before spending the link, with no transaction', async () => {
    const user = await users.create({
      email: 'context-first@example.com',
      password: 'first password',
    });
    const link = await tokens.issue(user.id, 'password_reset');
    const hashing = vi.spyOn(users, 'hashPassword');
    const transactions = vi.spyOn(db, 'withTransaction');

    await expect(account.resetPassword(link, 'context-first 2024 password')).rejects.toMatchObject({
      errors: [expect.objectContaining({ field: 'new_password' })],
    });
    expect(hashing).not.toHaveBeenCalled();
    expect(transactions).not.toHaveBeenCalled();
    await expect(tokens.userOf(link, 'password_reset')).resolves.toBe(user.id);
    await expect(account.resetPassword(link, 'second password')).resolves.toBeUndefined();
  });

  it('should refuse an unknown or spent link before hashing anything', async () => {
    const user = await users.create({
      email: 'spent-link@example.com',
      password: 'first password',
    });
    const link = await tokens.issue(user.id, 'password_reset');
    await account.resetPassword(link, 'second password');
    const hashing = vi.spyOn(users, 'hashPassword');

    await expect(account.resetPassword(link, 'third password')).rejects.toThrow(
      InvalidOneTimeTokenError,
    );
    await expect(account.resetPassword('not-a-link', 'third password')).rejects.toThrow(
      InvalidOneTimeTokenError,
    );
    expect(hashing).not.toHaveBeenCalled();
  });

  it('should spend a link once when two resets race with it', async () => {
    const user = await users.create({
      email: 'race-reset@example.com',
      password: 'first password',
    });
    const link = await tokens.issue(user.id, 'password_reset');

    const results = await Promise.allSettled([
      account.resetPassword(link, 'second password'),
      account.resetPassword(link, 'third password'),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({
      reason: expect.any(InvalidOneTimeTokenError),
    });
  });
});
