import type { TestingModule } from '@nestjs/testing';
import { decodeJwt, decodeProtectedHeader, type JWTHeaderParameters } from 'jose';
import jwt from 'jsonwebtoken';
import { createServiceModule } from '../../../test/helpers/module.js';
import { UnauthenticatedError } from '../../common/errors/domain.error.js';
import { PasswordService } from '../../users/password.service.js';
import type { User } from '../../users/user.entity.js';
import { UsersService } from '../../users/users.service.js';
import { SessionsRepository } from '../../sessions/sessions.repository.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { TokensService } from '../tokens.service.js';
import type { VerifiedJwt } from './bearer-jwt.strategy.js';
import { JwtStrategy } from './jwt.strategy.js';

const SECRET = 'unit-test-secret-that-is-at-least-32-bytes';

/** What the strategy hands to validate() once the signature and claims passed. */
const verifiedJwt = (token: string): VerifiedJwt => ({
  header: decodeProtectedHeader(token) as JWTHeaderParameters,
  payload: decodeJwt(token),
});

describe('JwtStrategy and TokensService', () => {
  let module: TestingModule;
  let strategy: JwtStrategy;
  let user: User;
  let sessionId: string;
  let token: string;

  beforeAll(async () => {
    process.env.JWT_SECRET = SECRET;
    module = await createServiceModule([
      JwtStrategy,
      TokensService,
      SessionsService,
      SessionsRepository,
      UsersService,
      PasswordService,
    ]);
    strategy = module.get(JwtStrategy);
    user = await module
      .get(UsersService)
      .create({ email: 'jwt@example.com', password: 'long enough pw' });
    sessionId = (await module.get(SessionsService).start(user.id, 'profile', {})).id;
    token = await module.get(TokensService).signAccessToken(user, sessionId, ['profile']);
  });
  afterAll(() => module.close());
  afterEach(() => vi.restoreAllMocks());

  it('should sign an RFC 9068 access token with every contract claim, verifiable by jsonwebtoken too', () => {
    const decoded = jwt.verify(token, SECRET, {
      algorithms: ['HS256'],
      issuer: 'recipe-api',
      audience: 'recipe-api',
      complete: true,
    });
    expect(decoded.header).toMatchObject({ alg: 'HS256', typ: 'at+jwt' });
    expect(decoded.payload).toMatchObject({
      sub: String(user.id),
      type: 'access_token',
      sid: sessionId,
      scope: 'profile',
    });
    expect(decoded.payload).toHaveProperty('jti');
    expect(decoded.payload).toHaveProperty('exp');
    expect(decoded.payload).toHaveProperty('iat');
  });

  it('should accept its own token and name the user, session and scopes', async () => {
    await expect(strategy.validate(verifiedJwt(token))).resolves.toMatchObject({
      user: { id: user.id },
      sessionId,
      scopes: ['profile'],
    });
  });

  it.each([
    ['a typ other than at+jwt', { typ: 'JWT' }, {}],
    ['another token type', {}, { type: 'refresh_token' }],
    ['no exp', {}, { exp: undefined }],
    ['a non-numeric sub', {}, { sub: 'admin' }],
    ['a sub beyond any stored id', {}, { sub: '9999999999' }],
    ['an unknown session', {}, { sid: '00000000-0000-0000-0000-000000000000' }],
    ['a session of another user', {}, { sub: '999999' }],
  ])('should refuse a token with %s', async (_case, headerChanges, payloadChanges) => {
    const { header, payload } = verifiedJwt(token);
    await expect(
      strategy.validate({
        header: { ...header, ...headerChanges },
        payload: { ...payload, ...payloadChanges },
      }),
    ).rejects.toThrow(UnauthenticatedError);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a sid with a NUL', { sid: 'a\u0000' }],
    ['a sid of 10 kB', { sid: 'a'.repeat(10 * 1024) }],
    ['a sid that is not a UUID', { sid: 'session-1' }],
    ['an upper-case sid', { sid: '0B5C1F8E-2A4D-4E6F-8A9B-1C2D3E4F5A6B' }],
    ['no sid', { sid: undefined }],
    ['sid as a number', { sid: 1 }],
    ['sid as an array', { sid: ['0b5c1f8e-2a4d-4e6f-8a9b-1c2d3e4f5a6b'] }],
    ['sid as an object', { sid: { id: '0b5c1f8e-2a4d-4e6f-8a9b-1c2d3e4f5a6b' } }],
    ['a scope with a NUL', { scope: 'profile\u0000' }],
    ['a scope of 10 kB', { scope: 'profile '.repeat(1280).trim() }],
    ['a scope with a comma', { scope: 'profile,users:admin' }],
    ['scope as an array', { scope: ['profile'] }],
    ['no jti', { jti: undefined }],
    ['jti as a number', { jti: 1 }],
    ['a jti of 10 kB', { jti: 'a'.repeat(10 * 1024) }],
    ['sub as a number', { sub: 1 }],
    ['no iat', { iat: undefined }],
  ])('should refuse a token with %s before any query', async (_case, payloadChanges) => {
    const findLiveUser = vi.spyOn(module.get(SessionsService), 'findLiveUser');
    const { header, payload } = verifiedJwt(token);
    await expect(
      strategy.validate({ header, payload: { ...payload, ...payloadChanges } }),
    ).rejects.toThrow(UnauthenticatedError);
    expect(findLiveUser).not.toHaveBeenCalled();
  });

  it('should accept a token without scopes', async () => {
    const { header, payload } = verifiedJwt(token);
    await expect(
      strategy.validate({ header, payload: { ...payload, scope: '' } }),
    ).resolves.toMatchObject({ scopes: [] });
  });

  it('should refuse the token once its session is revoked', async () => {
    const other = (await module.get(SessionsService).start(user.id, 'profile', {})).id;
    const otherToken = await module.get(TokensService).signAccessToken(user, other, []);
    await module.get(SessionsService).revoke(other);
    await expect(strategy.validate(verifiedJwt(otherToken))).rejects.toThrow(UnauthenticatedError);
  });
});
