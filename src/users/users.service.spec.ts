import type { TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { runSql } from '../../test/helpers/database.js';
import { createServiceModule } from '../../test/helpers/module.js';
import { SessionsService } from '../auth/sessions.service.js';
import { NotFoundError } from '../common/errors/domain.error.js';
import { PasswordService } from './password.service.js';
import { EmailTakenError, UsersService } from './users.service.js';

describe('UsersService', () => {
  let module: TestingModule;
  let users: UsersService;
  let sessions: SessionsService;

  beforeAll(async () => {
    module = await createServiceModule([UsersService, PasswordService, SessionsService]);
    users = module.get(UsersService);
    sessions = module.get(SessionsService);
  });
  afterAll(() => module.close());

  it('should store the email lower-cased and only a hash of the password', async () => {
    const user = await users.create({ email: 'Ada@Example.COM', password: 'analytical engine' });
    const [row] = await runSql(module.get(DataSource), 'SELECT email, hashed_password FROM users WHERE id = ?', [user.id]);
    expect(row.email).toBe('ada@example.com');
    expect(row.hashed_password).toMatch(/^\$argon2id\$/);
    expect(row.hashed_password).not.toContain('analytical');
  });

  it('should refuse an email taken in another letter case', async () => {
    await users.create({ email: 'grace@example.com', password: 'cobol compiler' });
    await expect(users.create({ email: 'GRACE@example.com', password: 'cobol compiler' })).rejects.toThrow(EmailTakenError);
  });

  it('should page through users by id with a cursor', async () => {
    for (const n of [1, 2, 3]) await users.create({ email: `page${n}@example.com`, password: 'long enough pw' });
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await users.list({ limit: 2, cursor });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });

  it('should revoke the other sessions on a password change, not the current one', async () => {
    const user = await users.create({ email: 'change@example.com', password: 'first password' });
    const current = await sessions.start(user.id, 'profile', {});
    const other = await sessions.start(user.id, 'profile', {});
    await users.changePassword(user, current.id, 'second password');
    await expect(sessions.findLiveUser(current.id, user.id)).resolves.toBeDefined();
    await expect(sessions.findLiveUser(other.id, user.id)).resolves.toBeUndefined();
  });

  it('should revoke every session when an account is deactivated', async () => {
    const user = await users.create({ email: 'off@example.com', password: 'first password' });
    const session = await sessions.start(user.id, 'profile', {});
    await users.update(user, { is_active: false });
    await users.update(user, { is_active: true });
    await expect(sessions.findLiveUser(session.id, user.id)).resolves.toBeUndefined();
  });

  it('should say NotFound for a user that does not exist', async () => {
    await expect(users.get(987654)).rejects.toThrow(NotFoundError);
    await expect(users.remove(987654)).rejects.toThrow(NotFoundError);
  });
});
