import type { TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { runSql } from '../../test/helpers/database.js';
import { createServiceModule } from '../../test/helpers/module.js';
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
});
