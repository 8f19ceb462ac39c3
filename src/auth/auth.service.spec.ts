import type { TestingModule } from '@nestjs/testing';
import { hash, parseOptions } from '@node-rs/argon2';
import { decodeJwt } from 'jose';
import { DataSource } from 'typeorm';
import { runSql } from '../../test/helpers/database.js';
import { createServiceModule } from '../../test/helpers/module.js';
import { OAuthError } from '../common/errors/domain.error.js';
import { MfaChallengesService } from '../mfa/mfa-challenges.service.js';
import { MfaService } from '../mfa/mfa.service.js';
import { PasskeysService } from '../mfa/passkeys.service.js';
import { CredentialsService } from '../users/credentials.service.js';
import { passwordAttemptsProviders } from '../users/password-attempts.service.js';
import { PasswordService } from '../users/password.service.js';
import { UsersService } from '../users/users.service.js';
import { AuthService } from './auth.service.js';
import { RefreshTokensService } from '../sessions/refresh-tokens.service.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';
import { SessionsService, type ClientInfo } from '../sessions/sessions.service.js';
import { TokensService } from './tokens.service.js';

describe('AuthService', () => {
  let module: TestingModule;
  let auth: AuthService;
  let users: UsersService;

  beforeAll(async () => {
    module = await createServiceModule([
      AuthService,
      UsersService,
      PasswordService,
      SessionsService,
      SessionsRepository,
      TokensService,
      RefreshTokensService,
      CredentialsService,
      ...passwordAttemptsProviders,
      MfaChallengesService,
      // Accounts here have no second factor (test/mfa.e2e-spec.ts and passkeys.e2e-spec.ts cover those).
      { provide: MfaService, useValue: { hasFactor: () => Promise.resolve(false) } },
      { provide: PasskeysService, useValue: {} },
    ]);
    auth = module.get(AuthService);
    users = module.get(UsersService);
  });
  afterAll(() => module.close());

  const invalidGrant = expect.objectContaining({
    code: 'invalid_grant',
    message: 'Incorrect email or password.',
  });
  const login = (username: string, scope?: string, client: ClientInfo = {}) =>
    auth.login({ username, password: 'right password', scope }, client);

  it('should give one answer for an unknown email, a wrong password and an inactive account', async () => {
    const user = await users.create({ email: 'same@example.com', password: 'right password' });
    await expect(login('nobody@example.com')).rejects.toEqual(invalidGrant);
    await expect(
      auth.login({ username: 'same@example.com', password: 'wrong password' }, {}),
    ).rejects.toEqual(invalidGrant);
    await users.update(user, { is_active: false });
    await expect(login('same@example.com')).rejects.toEqual(invalidGrant);
  });

  it('should find the account whatever the letter case of the email', async () => {
    const user = await users.create({ email: 'case@example.com', password: 'right password' });
    const token = await login('CASE@Example.com');
    expect(decodeJwt(token.access_token).sub).toBe(String(user.id));
  });

  it('should upgrade a hash made with weaker parameters at login', async () => {
    const user = await users.create({ email: 'old@example.com', password: 'right password' });
    const weak = await hash('right password', {
      memoryCost: 8192,
      timeCost: 1,
      parallelism: 1,
      algorithm: 2,
    });
    await runSql(module.get(DataSource), 'UPDATE users SET hashed_password = ? WHERE id = ?', [
      weak,
      user.id,
    ]);
    await login('old@example.com');
    const [row] = await runSql(
      module.get(DataSource),
      'SELECT hashed_password FROM users WHERE id = ?',
      [user.id],
    );
    expect(parseOptions(row.hashed_password)).toMatchObject({ memoryCost: 19456, timeCost: 2 });
  });

  it('should grant every allowed scope by default and narrow on request', async () => {
    await users.create({ email: 'scopes@example.com', password: 'right password' });
    await expect(login('scopes@example.com')).resolves.toMatchObject({
      scope: 'profile recipes:write',
    });
    await expect(login('scopes@example.com', 'profile')).resolves.toMatchObject({
      scope: 'profile',
    });
    await expect(login('scopes@example.com', 'users:admin recipes:write')).resolves.toMatchObject({
      scope: 'recipes:write',
    });
  });

  it('should refuse unknown scopes and a request of nothing it may grant', async () => {
    const user = await users.create({ email: 'noscope@example.com', password: 'right password' });
    await expect(login('noscope@example.com', 'root')).rejects.toThrow(OAuthError);
    await expect(login('noscope@example.com', 'users:admin')).rejects.toEqual(
      expect.objectContaining({ code: 'invalid_scope' }),
    );
    const rows = await runSql(module.get(DataSource), 'SELECT id FROM sessions WHERE user_id = ?', [
      user.id,
    ]);
    expect(rows).toEqual([]);
  });

  it('should start a session per login, named by the token response', async () => {
    const user = await users.create({
      email: 'session@example.com',
      password: 'right password',
      isSuperuser: true,
    });
    const token = await login('session@example.com', undefined, {
      userAgent: 'vitest',
      ip: '127.0.0.1',
    });
    expect(token).toMatchObject({
      token_type: 'bearer',
      expires_in: 1800,
      scope: 'profile recipes:write users:admin',
    });
    const rows = await runSql(
      module.get(DataSource),
      'SELECT user_agent, ip FROM sessions WHERE user_id = ?',
      [user.id],
    );
    expect(rows).toEqual([{ user_agent: 'vitest', ip: '127.0.0.1' }]);
  });
});
