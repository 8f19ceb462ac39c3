import type { TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { runSql } from '../../test/helpers/database.js';
import { createServiceModule } from '../../test/helpers/module.js';
import { PasswordService } from '../users/password.service.js';
import { UsersService } from '../users/users.service.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

describe('SessionsService', () => {
  let module: TestingModule;
  let sessions: SessionsService;
  let users: UsersService;

  beforeAll(async () => {
    module = await createServiceModule([
      SessionsService,
      SessionsRepository,
      UsersService,
      PasswordService,
    ]);
    sessions = module.get(SessionsService);
    users = module.get(UsersService);
  });
  afterAll(() => module.close());
  afterEach(() => vi.restoreAllMocks());

  const storedHash = async (id: number) =>
    (
      await runSql(module.get(DataSource), 'SELECT hashed_password FROM users WHERE id = ?', [id])
    )[0].hashed_password as string;

  it('should end every other session when the password changes, keeping the one that changed it', async () => {
    const user = await users.create({ email: 'change@example.com', password: 'first password' });
    const current = await sessions.start(user.id, 'profile', {});
    const other = await sessions.start(user.id, 'profile', {});
    await users.changePassword(user, 'second password', current.id);
    await expect(sessions.findLiveUser(current.id, user.id)).resolves.toMatchObject({
      id: user.id,
    });
    await expect(sessions.findLiveUser(other.id, user.id)).resolves.toBeUndefined();
  });

  it('should end every session when the password changes without one to keep (a reset)', async () => {
    const user = await users.create({ email: 'reset@example.com', password: 'first password' });
    const session = await sessions.start(user.id, 'profile', {});
    await users.changePassword(user, 'second password');
    await expect(sessions.findLiveUser(session.id, user.id)).resolves.toBeUndefined();
  });

  it('should keep the old password and the sessions when ending them fails, in one transaction', async () => {
    const user = await users.create({ email: 'atomic@example.com', password: 'first password' });
    const other = await sessions.start(user.id, 'profile', {});
    const before = await storedHash(user.id);
    vi.spyOn(sessions, 'revokeAll').mockRejectedValueOnce(new Error('revocation failed'));
    await expect(
      users.changePassword(user, 'second password', 'some-other-session'),
    ).rejects.toThrow('revocation failed');
    expect(await storedHash(user.id)).toBe(before);
    await expect(sessions.findLiveUser(other.id, user.id)).resolves.toMatchObject({ id: user.id });
  });

  it('should end every session when the account is deactivated, for good once it is active again', async () => {
    const user = await users.create({ email: 'off@example.com', password: 'first password' });
    const session = await sessions.start(user.id, 'profile', {});
    await users.update(user, { is_active: false });
    await users.update(user, { is_active: true });
    await expect(sessions.findLiveUser(session.id, user.id)).resolves.toBeUndefined();
  });

  it('should keep the account active when ending its sessions fails', async () => {
    const user = await users.create({ email: 'still-on@example.com', password: 'first password' });
    vi.spyOn(sessions, 'revokeAll').mockRejectedValueOnce(new Error('revocation failed'));
    await expect(users.update(user, { is_active: false })).rejects.toThrow('revocation failed');
    await expect(users.get(user.id)).resolves.toMatchObject({ isActive: true });
  });
});
