import { errors, SignJWT } from 'jose';
import { loadAccessTokenKeys } from '../../config/access-token-keys.js';
import type { AuthConfig } from '../../config/configuration.js';
import { accessTokenVerifier, CLOCK_SKEW_SECONDS } from './jwt.strategy.js';

const SECRET = 'verifier-unit-test-secret-of-at-least-32-bytes';
const START = Date.parse('2030-01-01T00:00:00Z') / 1000;
const LIFETIME = 30 * 60;

const config = {
  algorithm: 'HS256',
  issuer: 'recipe-api',
  audience: 'recipe-api',
  accessTokenMinutes: LIFETIME / 60,
  keys: loadAccessTokenKeys(
    {
      JWT_ALGORITHM: 'HS256',
      JWT_PRIVATE_KEY_FILE: undefined,
      JWT_PREVIOUS_PUBLIC_KEY_FILES: undefined,
    },
    SECRET,
  ),
} as AuthConfig;

interface Claims {
  iat?: unknown;
  exp?: number;
  nbf?: number;
  secret?: string;
}

function sign({ iat = START, exp = START + 60, nbf, secret = SECRET }: Claims = {}) {
  const claims: Record<string, unknown> = {
    sub: '1',
    sid: 'session',
    type: 'access_token',
    ...(iat !== null && { iat }),
  };
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setIssuer('recipe-api')
    .setAudience('recipe-api')
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

  it('should accept a token again and again, and refuse it as expired once its exp and the clock skew have passed', async () => {
    const verify = accessTokenVerifier(config);
    const token = await sign({ exp: START + 60 });
    await expect(verify(token)).resolves.toMatchObject({
      header: { alg: 'HS256' },
      payload: { sub: '1' },
    });
    vi.setSystemTime((START + 60 + CLOCK_SKEW_SECONDS - 1) * 1000);
    await expect(verify(token)).resolves.toMatchObject({ payload: { sub: '1' } });
    vi.setSystemTime((START + 60 + CLOCK_SKEW_SECONDS) * 1000);
    await expect(verify(token)).rejects.toThrow(errors.JWTExpired);
    await expect(verify(token)).rejects.toThrow(errors.JWTExpired);
  });

  it('should refuse a token before its nbf (less the clock skew), every time, and accept it from then on', async () => {
    const verify = accessTokenVerifier(config);
    const nbf = START + CLOCK_SKEW_SECONDS + 30;
    const token = await sign({ nbf });
    await expect(verify(token)).rejects.toThrow(errors.JWTClaimValidationFailed);
    vi.setSystemTime((nbf - CLOCK_SKEW_SECONDS) * 1000);
    await expect(verify(token)).resolves.toMatchObject({ payload: { nbf } });
    vi.setSystemTime((START + 10) * 1000);
    await expect(verify(token)).rejects.toThrow(errors.JWTClaimValidationFailed);
  });

  it.each<[string, Claims]>([
    ['iat an hour ahead', { iat: START + 3600, exp: START + 3600 + LIFETIME }],
    [
      'iat just past the clock skew',
      { iat: START + CLOCK_SKEW_SECONDS + 1, exp: START + LIFETIME },
    ],
    ['no iat', { iat: null }],
    ['iat as a string', { iat: String(START) }],
    ['exp two days after iat', { exp: START + 2 * 86400 }],
    [
      'exp longer after iat than an access token lives, plus the skew',
      { exp: START + LIFETIME + CLOCK_SKEW_SECONDS + 1 },
    ],
  ])('should refuse a correctly signed token with %s, every time', async (_case, claims) => {
    const verify = accessTokenVerifier(config);
    const token = await sign(claims);
    await expect(verify(token)).rejects.toThrow(errors.JOSEError);
    await expect(verify(token)).rejects.toThrow(errors.JOSEError);
  });

  it('should accept iat within the clock skew ahead and exp up to an access token lifetime plus the skew after it', async () => {
    const verify = accessTokenVerifier(config);
    const ahead = START + CLOCK_SKEW_SECONDS;
    await expect(verify(await sign({ iat: ahead, exp: ahead + LIFETIME }))).resolves.toMatchObject({
      payload: { iat: ahead },
    });
    const longest = START + LIFETIME + CLOCK_SKEW_SECONDS;
    await expect(verify(await sign({ exp: longest }))).resolves.toMatchObject({
      payload: { exp: longest },
    });
  });

  it('should refuse a remembered token once it is older than an access token lives, though its exp allows the skew more', async () => {
    const verify = accessTokenVerifier(config);
    const token = await sign({ exp: START + LIFETIME + CLOCK_SKEW_SECONDS });
    await expect(verify(token)).resolves.toMatchObject({ payload: { iat: START } });
    vi.setSystemTime((START + LIFETIME + CLOCK_SKEW_SECONDS) * 1000);
    await expect(verify(token)).resolves.toMatchObject({ payload: { iat: START } });
    vi.setSystemTime((START + LIFETIME + CLOCK_SKEW_SECONDS + 1) * 1000);
    await expect(verify(token)).rejects.toThrow(errors.JWTExpired);
  });

  it('should refuse a remembered token whose iat is ahead of a clock set back', async () => {
    const verify = accessTokenVerifier(config);
    const token = await sign();
    await expect(verify(token)).resolves.toMatchObject({ payload: { iat: START } });
    vi.setSystemTime((START - CLOCK_SKEW_SECONDS - 1) * 1000);
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
