import type { TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { minutesAgo, runSql } from '../../test/helpers/database.js';
import { createServiceModule } from '../../test/helpers/module.js';
import { OAuthError } from '../common/errors/domain.error.js';
import { PasswordService } from '../users/password.service.js';
import { UsersService } from '../users/users.service.js';
import { RefreshTokensService } from './refresh-tokens.service.js';
import { SessionsService } from './sessions.service.js';

describe('RefreshTokensService', () => {
  let module: TestingModule;
  let tokens: RefreshTokensService;
  let sessions: SessionsService;
  let userId: number;

  beforeAll(async () => {
    module = await createServiceModule([RefreshTokensService, SessionsService, UsersService, PasswordService]);
    tokens = module.get(RefreshTokensService);
    sessions = module.get(SessionsService);
    userId = (await module.get(UsersService).create({ email: 'refresh@example.com', password: 'long enough pw' })).id;
  });
  afterAll(() => module.close());

  const newSession = async () => {
    const { session, refreshToken } = await tokens.startSession(userId, 'profile', {});
    return { sessionId: session.id, token: refreshToken };
  };

  it('should start the session and store only a SHA-256 of its 256-bit token, both in one transaction', async () => {
    const { sessionId, token } = await newSession();
    await expect(sessions.findLiveUser(sessionId, userId)).resolves.toEqual(expect.objectContaining({ id: userId }));
    await expect(runSql(module.get(DataSource), 'SELECT scope FROM sessions WHERE id = ?', [sessionId])).resolves.toEqual([{ scope: 'profile' }]);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const rows = await runSql(module.get(DataSource), 'SELECT token_hash FROM refresh_tokens WHERE session_id = ?', [sessionId]);
    expect(rows).toEqual([{ token_hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(rows[0].token_hash).not.toContain(token);
  });

  it('should leave no session behind when its refresh token cannot be stored', async () => {
    // The session goes in; the next insert in the same transaction, the refresh token's, fails.
    const start = sessions.start.bind(sessions);
    vi.spyOn(sessions, 'start').mockImplementationOnce(async (user, scope, client, manager) => {
      const session = await start(user, scope, client, manager);
      vi.spyOn(manager!, 'insert').mockRejectedValueOnce(new Error('disk full'));
      return session;
    });
    const count = async () => (await runSql(module.get(DataSource), 'SELECT COUNT(*) AS n FROM sessions')).at(0)?.n;
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
    await runSql(module.get(DataSource), 'UPDATE refresh_tokens SET retired_at = ? WHERE session_id = ? AND retired_at IS NOT NULL', [
      minutesAgo(1),
      sessionId,
    ]);
    await expect(tokens.rotate(token, {})).rejects.toThrow(OAuthError);
    await expect(tokens.rotate(successor, {})).rejects.toThrow(OAuthError);
    await expect(sessions.findLiveUser(sessionId, userId)).resolves.toBeUndefined();
  });

  it('should refuse a token it never issued', async () => {
    await expect(tokens.rotate('made-up', {})).rejects.toEqual(expect.objectContaining({ error: 'invalid_grant' }));
  });
});
