import { EventEmitter2 } from '@nestjs/event-emitter';
import type { TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { runSql } from '../../test/helpers/database.js';
import { createServiceModule } from '../../test/helpers/module.js';
import { NotFoundError } from '../common/errors/domain.error.js';
import { PasswordService } from './password.service.js';
import {
  USER_DEACTIVATED,
  USER_DELETED,
  USER_PASSWORD_CHANGED,
  UserDeactivated,
  UserDeleted,
  UserPasswordChanged,
} from './user.events.js';
import { EmailTakenError, UsersService } from './users.service.js';

describe('UsersService', () => {
  let module: TestingModule;
  let users: UsersService;
  let events: EventEmitter2;

  beforeAll(async () => {
    module = await createServiceModule([UsersService, PasswordService]);
    users = module.get(UsersService);
    events = module.get(EventEmitter2);
  });
  afterAll(() => module.close());
  afterEach(() => vi.restoreAllMocks());

  const storedHash = async (id: number) =>
    (
      await runSql(module.get(DataSource), 'SELECT hashed_password FROM users WHERE id = ?', [id])
    )[0].hashed_password as string;

  it('should store the email lower-cased and only a hash of the password', async () => {
    const user = await users.create({ email: 'Ada@Example.COM', password: 'analytical engine' });
    const [row] = await runSql(
      module.get(DataSource),
      'SELECT email, hashed_password FROM users WHERE id = ?',
      [user.id],
    );
    expect(row.email).toBe('ada@example.com');
    expect(row.hashed_password).toMatch(/^\$argon2id\$/);
    expect(row.hashed_password).not.toContain('analytical');
  });

  it('should refuse an email taken in another letter case', async () => {
    await users.create({ email: 'grace@example.com', password: 'cobol compiler' });
    await expect(
      users.create({ email: 'GRACE@example.com', password: 'cobol compiler' }),
    ).rejects.toThrow(EmailTakenError);
  });

  it('should page through every user by id, `limit` at a time, with a cursor', async () => {
    for (const n of [1, 2, 3])
      await users.create({ email: `page${n}@example.com`, password: 'long enough pw' });
    const rows = await runSql<{ id: number }[]>(
      module.get(DataSource),
      'SELECT id FROM users ORDER BY id',
    );
    const ids = rows.map((row) => Number(row.id));
    expect(ids.length).toBeGreaterThanOrEqual(3);
    const pages: number[][] = [];
    let cursor: string | undefined;
    do {
      const page = await users.list({ limit: 2, cursor });
      pages.push(page.items.map((item) => item.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor && pages.length <= ids.length);
    const expected: number[][] = [];
    for (let i = 0; i < ids.length; i += 2) expected.push(ids.slice(i, i + 2));
    expect(pages).toEqual(expected);
  });

  it('should store a new password and announce it with the session to keep', async () => {
    const user = await users.create({ email: 'change@example.com', password: 'first password' });
    const before = await storedHash(user.id);
    const emit = vi.spyOn(events, 'emitAsync');
    await users.changePassword(user, 'second password', 'the-current-session');
    expect(emit).toHaveBeenCalledExactlyOnceWith(
      USER_PASSWORD_CHANGED,
      new UserPasswordChanged(user.id, 'the-current-session'),
    );
    expect(await storedHash(user.id)).not.toBe(before);
    await expect(
      module.get(PasswordService).verify(await storedHash(user.id), 'second password'),
    ).resolves.toBe(true);
  });

  it('should keep the old password when a reaction to the change fails', async () => {
    const user = await users.create({ email: 'atomic@example.com', password: 'first password' });
    const before = await storedHash(user.id);
    const fail = () => Promise.reject(new Error('reaction failed'));
    events.on(USER_PASSWORD_CHANGED, fail);
    try {
      await expect(users.changePassword(user, 'second password')).rejects.toThrow(
        'reaction failed',
      );
    } finally {
      events.off(USER_PASSWORD_CHANGED, fail);
    }
    expect(await storedHash(user.id)).toBe(before);
  });

  it('should announce a deactivation, and nothing for other changes', async () => {
    const user = await users.create({ email: 'off@example.com', password: 'first password' });
    const emit = vi.spyOn(events, 'emitAsync');
    await users.update(user, { first_name: 'Off' });
    await users.update(user, { is_active: false });
    expect(emit).toHaveBeenCalledExactlyOnceWith(USER_DEACTIVATED, new UserDeactivated(user.id));
  });

  it('should announce a deletion', async () => {
    const user = await users.create({ email: 'gone@example.com', password: 'first password' });
    const emit = vi.spyOn(events, 'emitAsync');
    await users.remove(user.id);
    expect(emit).toHaveBeenCalledExactlyOnceWith(USER_DELETED, new UserDeleted(user.id));
    await expect(users.findById(user.id)).resolves.toBeNull();
  });

  it('should say NotFound for a user that does not exist', async () => {
    await expect(users.get(987654)).rejects.toThrow(NotFoundError);
    await expect(users.remove(987654)).rejects.toThrow(NotFoundError);
  });
});
