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

  const newSession = async () => (await sessions.start(userId, 'profile', {})).id;

  it('should store only a SHA-256 of a 256-bit token', async () => {
    const sessionId = await newSession();
    const token = await tokens.issue(sessionId);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const rows = await runSql(module.get(DataSource), 'SELECT token_hash FROM refresh_tokens WHERE session_id = ?', [sessionId]);
    expect(rows).toEqual([{ token_hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(rows[0].token_hash).not.toContain(token);
  });

  it('should hand the same successor to a second use within the grace window', async () => {
    const token = await tokens.issue(await newSession());
    const first = await tokens.rotate(token, {});
    const second = await tokens.rotate(token, {});
    expect(second.refreshToken).toBe(first.refreshToken);
    expect(first.refreshToken).not.toBe(token);
  });

  it('should end the session when a retired token returns after the grace window', async () => {
    const sessionId = await newSession();
    const token = await tokens.issue(sessionId);
    const { refreshToken: successor } = await tokens.rotate(token, {});
    await runSql(module.get(DataSource), 'UPDATE refresh_tokens SET retired_at = ? WHERE session_id = ? AND retired_at IS NOT NULL', [
      minutesAgo(1),
      sessionId,
    ]);
    await expect(tokens.rotate(token, {})).rejects.toThrow(OAuthError);
    await expect(tokens.rotate(successor, {})).rejects.toThrow(OAuthError);
    await expect(sessions.findLive(sessionId, userId)).resolves.toBeUndefined();
  });

  it('should refuse a token it never issued', async () => {
    await expect(tokens.rotate('made-up', {})).rejects.toEqual(expect.objectContaining({ error: 'invalid_grant' }));
  });
});
