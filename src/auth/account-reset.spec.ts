import { TransactionHost } from '@nestjs-cls/transactional';
import type { TestingModule } from '@nestjs/testing';
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

/** A password reset checks and hashes before its transaction opens: it holds none while argon2 runs. */
describe('AccountService.resetPassword', () => {
  let module: TestingModule;
  let account: AccountService;
  let users: UsersService;
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
    tokens = module.get(OneTimeTokensService);
    db = module.get<Transactions>(TransactionHost);
  });
  afterAll(() => module.close());
  afterEach(() => vi.restoreAllMocks());

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
