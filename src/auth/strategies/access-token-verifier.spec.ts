import { errors, SignJWT } from 'jose';
import { loadAccessTokenKeys } from '../../config/access-token-keys.js';
import type { AuthConfig } from '../../config/configuration.js';
import { accessTokenVerifier } from './jwt.strategy.js';

const SECRET = 'verifier-unit-test-secret-of-at-least-32-bytes';
const START = Date.parse('2030-01-01T00:00:00Z') / 1000;

const config = {
  algorithm: 'HS256',
  issuer: 'recipe-api',
  audience: 'recipe-api',
  keys: loadAccessTokenKeys(
    { JWT_ALGORITHM: 'HS256', JWT_PRIVATE_KEY_FILE: undefined, JWT_PREVIOUS_PUBLIC_KEY_FILES: undefined },
    SECRET,
  ),
} as AuthConfig;

function sign({ exp = START + 60, nbf, secret = SECRET }: { exp?: number; nbf?: number; secret?: string } = {}) {
  const jwt = new SignJWT({ sub: '1', sid: 'session', type: 'access_token' })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setIssuer('recipe-api')
    .setAudience('recipe-api')
    .setIssuedAt(START)
    .setExpirationTime(exp);
  if (nbf !== undefined) jwt.setNotBefore(nbf);
  return jwt.sign(new TextEncoder().encode(secret));
}

describe('accessTokenVerifier', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(START * 1000);
  });
  afterEach(() => vi.useRealTimers());

  it('should accept a token again and again, and refuse it as expired once its exp has passed', async () => {
    const verify = accessTokenVerifier(config);
    const token = await sign({ exp: START + 60 });
    await expect(verify(token)).resolves.toMatchObject({ header: { alg: 'HS256' }, payload: { sub: '1' } });
    vi.setSystemTime((START + 59) * 1000);
    await expect(verify(token)).resolves.toMatchObject({ payload: { sub: '1' } });
    vi.setSystemTime((START + 60) * 1000);
    await expect(verify(token)).rejects.toThrow(errors.JWTExpired);
    await expect(verify(token)).rejects.toThrow(errors.JWTExpired);
  });

  it('should refuse a token before its nbf, every time, and accept it from then on', async () => {
    const verify = accessTokenVerifier(config);
    const token = await sign({ nbf: START + 30 });
    await expect(verify(token)).rejects.toThrow(errors.JWTClaimValidationFailed);
    vi.setSystemTime((START + 30) * 1000);
    await expect(verify(token)).resolves.toMatchObject({ payload: { nbf: START + 30 } });
    vi.setSystemTime((START + 10) * 1000);
    await expect(verify(token)).rejects.toThrow(errors.JWTClaimValidationFailed);
  });

  it('should refuse a token signed with another secret however often it is sent', async () => {
    const verify = accessTokenVerifier(config);
    const forged = await sign({ secret: 'another-secret-that-is-also-32-bytes-long' });
    await expect(verify(forged)).rejects.toThrow(errors.JWSSignatureVerificationFailed);
    await expect(verify(forged)).rejects.toThrow(errors.JWSSignatureVerificationFailed);
  });

  it('should hand out the verified header and payload read-only, as they are shared by repeats', async () => {
    const verify = accessTokenVerifier(config);
    const token = await sign();
    const first = await verify(token);
    expect(await verify(token)).toBe(first);
    expect(Object.isFrozen(first.header) && Object.isFrozen(first.payload)).toBe(true);
  });
});
