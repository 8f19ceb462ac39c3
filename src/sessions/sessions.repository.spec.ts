import type { TestingModule } from '@nestjs/testing';
import { DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { minutesAgo, runSql, testEngine } from '../../test/helpers/database.js';
import { createServiceModule } from '../../test/helpers/module.js';
import { isDatabaseUnavailable } from '../common/errors/database-errors.js';
import { PasswordService } from '../users/password.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

const IDLE_DAYS = 7; // SESSION_IDLE_DAYS's default

describe('SessionsRepository', () => {
  let module: TestingModule;
  let repository: SessionsRepository;
  let users: UsersService;
  let sessions: SessionsService;
  let n = 0;

  beforeAll(async () => {
    module = await createServiceModule([
      SessionsRepository,
      SessionsService,
      UsersService,
      PasswordService,
    ]);
    repository = module.get(SessionsRepository);
    users = module.get(UsersService);
    sessions = module.get(SessionsService);
  });
  afterAll(() => module.close());
  afterEach(() => vi.restoreAllMocks());

  const login = async (isSuperuser = false): Promise<{ user: User; sessionId: string }> => {
    const user = await users.create({
      email: `live${++n}@example.com`,
      password: 'long enough pw',
      isSuperuser,
    });
    return { user, sessionId: (await sessions.start(user.id, 'profile', {})).id };
  };
  const setSession = (sessionId: string, column: string, value: Date) =>
    runSql(module.get(DataSource), `UPDATE sessions SET ${column} = ? WHERE id = ?`, [
      value,
      sessionId,
    ]);

  it('should answer the user of a live session with every column hydrated as TypeORM does', async () => {
    const { user, sessionId } = await login(true);
    const found = await repository.findLiveUser(sessionId, user.id);
    expect(found).toEqual(await users.get(user.id));
    expect(found).toMatchObject({
      id: user.id,
      email: user.email,
      isSuperuser: true,
      isActive: true,
      emailVerified: false,
    });
    expect(found?.createdAt).toBeInstanceOf(Date);
  });

  it('should answer nothing for a revoked session', async () => {
    const { user, sessionId } = await login();
    await sessions.revoke(sessionId);
    await expect(repository.findLiveUser(sessionId, user.id)).resolves.toBeUndefined();
  });

  it('should answer nothing for an expired session', async () => {
    const { user, sessionId } = await login();
    await setSession(sessionId, 'expires_at', minutesAgo(1));
    await expect(repository.findLiveUser(sessionId, user.id)).resolves.toBeUndefined();
  });

  it('should answer nothing for a session idle longer than SESSION_IDLE_DAYS, and the user while it is not', async () => {
    const { user, sessionId } = await login();
    await setSession(sessionId, 'last_used_at', minutesAgo(IDLE_DAYS * 24 * 60 - 5));
    await expect(repository.findLiveUser(sessionId, user.id)).resolves.toMatchObject({
      id: user.id,
    });
    await setSession(sessionId, 'last_used_at', minutesAgo(IDLE_DAYS * 24 * 60 + 5));
    await expect(repository.findLiveUser(sessionId, user.id)).resolves.toBeUndefined();
  });

  it("should answer nothing for another user's session id", async () => {
    const { sessionId } = await login();
    const other = await login();
    await expect(repository.findLiveUser(sessionId, other.user.id)).resolves.toBeUndefined();
    await expect(repository.findLiveUser(other.sessionId, other.user.id)).resolves.toMatchObject({
      id: other.user.id,
    });
  });

  it('should answer nothing once the user is deactivated or deleted', async () => {
    const deactivated = await login();
    await runSql(module.get(DataSource), 'UPDATE users SET is_active = ? WHERE id = ?', [
      testEngine === 'postgres' ? false : 0,
      deactivated.user.id,
    ]);
    await expect(
      repository.findLiveUser(deactivated.sessionId, deactivated.user.id),
    ).resolves.toBeUndefined();

    const deleted = await login();
    await runSql(module.get(DataSource), 'DELETE FROM users WHERE id = ?', [deleted.user.id]);
    await expect(
      repository.findLiveUser(deleted.sessionId, deleted.user.id),
    ).resolves.toBeUndefined();
  });

  it.runIf(testEngine === 'postgres')(
    'should fail as TypeORM does when PostgreSQL fails the query, so an outage answers 503',
    async () => {
      const { user, sessionId } = await login();
      const driver = module.get(DataSource).driver as PostgresDriver;
      const obtain = driver.obtainMasterConnection.bind(driver);
      const cancelled = Object.assign(new Error('canceling statement due to statement timeout'), {
        code: '57014',
      });
      const release = vi.fn();
      vi.spyOn(driver, 'obtainMasterConnection').mockImplementationOnce(async () => {
        const [client, releaseReal] = (await obtain()) as [
          { query: unknown },
          (error?: unknown) => void,
        ];
        releaseReal();
        return [{ ...client, query: () => Promise.reject(cancelled) }, release];
      });

      const error: unknown = await repository
        .findLiveUser(sessionId, user.id)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(QueryFailedError);
      expect((error as QueryFailedError).driverError).toBe(cancelled);
      expect(isDatabaseUnavailable(error)).toBe(true);
      expect(release).toHaveBeenCalledWith(cancelled); // the pool drops a connection handed back with an error
    },
  );
});
