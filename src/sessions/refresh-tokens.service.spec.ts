import { setTimeout } from 'node:timers/promises';
import type { TestingModule } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { DataSource, type Repository } from 'typeorm';
import { minutesAgo, runSql } from '../../test/helpers/database.js';
import { createServiceModule } from '../../test/helpers/module.js';
import { OAuthError } from '../common/errors/domain.error.js';
import { PasswordService } from '../users/password.service.js';
import { UsersService } from '../users/users.service.js';
import { RefreshToken } from './refresh-token.entity.js';
import { RefreshTokensService } from './refresh-tokens.service.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

describe('RefreshTokensService', () => {
  let module: TestingModule;
  let tokens: RefreshTokensService;
  let sessions: SessionsService;
  let userId: number;

  beforeAll(async () => {
    module = await createServiceModule([
      RefreshTokensService,
      SessionsService,
      SessionsRepository,
      UsersService,
      PasswordService,
    ]);
    tokens = module.get(RefreshTokensService);
    sessions = module.get(SessionsService);
    userId = (
      await module
        .get(UsersService)
        .create({ email: 'refresh@example.com', password: 'long enough pw' })
    ).id;
  });
  afterAll(() => module.close());

  const newSession = async () => {
    const { session, refreshToken } = await tokens.startSession(userId, 'profile', {});
    return { sessionId: session.id, token: refreshToken };
  };

  it('should start the session and store only a SHA-256 of its 256-bit token, both in one transaction', async () => {
    const { sessionId, token } = await newSession();
    await expect(sessions.findLiveUser(sessionId, userId)).resolves.toEqual(
      expect.objectContaining({ id: userId }),
    );
    await expect(
      runSql(module.get(DataSource), 'SELECT scope FROM sessions WHERE id = ?', [sessionId]),
    ).resolves.toEqual([{ scope: 'profile' }]);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const rows = await runSql(
      module.get(DataSource),
      'SELECT token_hash FROM refresh_tokens WHERE session_id = ?',
      [sessionId],
    );
    expect(rows).toEqual([{ token_hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(rows[0].token_hash).not.toContain(token);
  });

  it('should leave no session behind when its refresh token cannot be stored', async () => {
    // The session goes in; the work after it in the same transaction fails.
    const start = sessions.start.bind(sessions);
    vi.spyOn(sessions, 'start').mockImplementationOnce(async (...args) => {
      await start(...args);
      throw new Error('disk full');
    });
    const count = async () =>
      (await runSql(module.get(DataSource), 'SELECT COUNT(*) AS n FROM sessions')).at(0)?.n;
    const before = Number(await count());
    await expect(tokens.startSession(userId, 'profile', {})).rejects.toThrow('disk full');
    expect(Number(await count())).toBe(before);
  });

  it('should hand the same successor to a second use within the grace window', async () => {
    const { token } = await newSession();
    const first = await tokens.rotate(token, {});
    const second = await tokens.rotate(token, {});
    expect(second.refreshToken).toBe(first.refreshToken);
    expect(first.refreshToken).not.toBe(token);
  });

  it('should end the session when a retired token returns after the grace window', async () => {
    const { sessionId, token } = await newSession();
    const { refreshToken: successor } = await tokens.rotate(token, {});
    await runSql(
      module.get(DataSource),
      'UPDATE refresh_tokens SET retired_at = ? WHERE session_id = ? AND retired_at IS NOT NULL',
      [minutesAgo(1), sessionId],
    );
    await expect(tokens.rotate(token, {})).rejects.toThrow(OAuthError);
    await expect(tokens.rotate(successor, {})).rejects.toThrow(OAuthError);
    await expect(sessions.findLiveUser(sessionId, userId)).resolves.toBeUndefined();
  });

  it('should refuse a token it never issued', async () => {
    await expect(tokens.rotate('made-up', {})).rejects.toEqual(
      expect.objectContaining({ code: 'invalid_grant' }),
    );
  });

  describe('with a one-second grace window', () => {
    let graceModule: TestingModule;
    let rotation: RefreshTokensService;
    let graceSessions: SessionsService;
    let owner: number;

    beforeAll(async () => {
      process.env.REFRESH_GRACE_SECONDS = '1';
      try {
        graceModule = await createServiceModule([
          RefreshTokensService,
          SessionsService,
          SessionsRepository,
          UsersService,
          PasswordService,
        ]);
      } finally {
        delete process.env.REFRESH_GRACE_SECONDS;
      }
      rotation = graceModule.get(RefreshTokensService);
      graceSessions = graceModule.get(SessionsService);
      owner = (
        await graceModule
          .get(UsersService)
          .create({ email: 'grace@example.com', password: 'long enough pw' })
      ).id;
    });
    afterAll(() => graceModule.close());
    afterEach(() => vi.restoreAllMocks());

    const liveTokens = async (sessionId: string) =>
      (
        await runSql(
          graceModule.get(DataSource),
          'SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id = ? AND retired_at IS NULL',
          [sessionId],
        )
      ).at(0)?.n;

    it('should rotate when its own transaction outlasts the grace window, and still catch a later reuse', async () => {
      const { session, refreshToken: token } = await rotation.startSession(owner, 'profile', {});
      const touch = graceSessions.touch.bind(graceSessions);
      vi.spyOn(graceSessions, 'touch').mockImplementationOnce(async (...args) => {
        await setTimeout(1100); // a slow commit under load, longer than the grace window
        await touch(...args);
      });

      const { refreshToken: successor } = await rotation.rotate(token, {});
      expect(successor).not.toBe(token);
      await expect(graceSessions.findLiveUser(session.id, owner)).resolves.toEqual(
        expect.objectContaining({ id: owner }),
      );
      expect(Number(await liveTokens(session.id))).toBe(1);

      // Over a second after it was retired, the old token is a reuse.
      await expect(rotation.rotate(token, {})).rejects.toEqual(
        expect.objectContaining({ code: 'invalid_grant' }),
      );
      await expect(graceSessions.findLiveUser(session.id, owner)).resolves.toBeUndefined();
    });

    it('should let a request that read the token live, then lost the race to retire it, share the successor', async () => {
      const { session, refreshToken: token } = await rotation.startSession(owner, 'profile', {});
      const repository = graceModule.get<Repository<RefreshToken>>(
        getRepositoryToken(RefreshToken),
      );
      const findOne = repository.findOne.bind(repository);
      let winner = '';
      vi.spyOn(repository, 'findOne').mockImplementationOnce(async (options) => {
        const row = await findOne(options);
        winner = (await rotation.rotate(token, {})).refreshToken; // another request retires it meanwhile
        return row;
      });

      const loser = await rotation.rotate(token, {});
      expect(winner).not.toBe('');
      expect(loser.refreshToken).toBe(winner);
      await expect(graceSessions.findLiveUser(session.id, owner)).resolves.toEqual(
        expect.objectContaining({ id: owner }),
      );
      expect(Number(await liveTokens(session.id))).toBe(1);
    });

    it('should compare the stored retirement time with the grace window when another request retired the token', async () => {
      const { session, refreshToken: token } = await rotation.startSession(owner, 'profile', {});
      const repository = graceModule.get<Repository<RefreshToken>>(
        getRepositoryToken(RefreshToken),
      );
      const findOne = repository.findOne.bind(repository);
      vi.spyOn(repository, 'findOne').mockImplementationOnce(async (options) => {
        const row = await findOne(options);
        // Retired by another request a minute ago, seen only once this request tries to retire it.
        await runSql(
          graceModule.get(DataSource),
          'UPDATE refresh_tokens SET retired_at = ? WHERE id = ?',
          [minutesAgo(1), row!.id],
        );
        return row;
      });

      await expect(rotation.rotate(token, {})).rejects.toEqual(
        expect.objectContaining({ code: 'invalid_grant' }),
      );
      await expect(graceSessions.findLiveUser(session.id, owner)).resolves.toBeUndefined();
    });
  });
});
