import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  createRemoteJWKSet,
  errors,
  exportJWK,
  jwtVerify,
  SignJWT,
  type JWTVerifyOptions,
} from 'jose';
import { createOpenApiDocument } from '../src/swagger.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createTestDatabase } from './helpers/database.js';
import { expectInvalidToken } from './helpers/expect.js';
import { bearer, createUser, login, PASSWORD, type TestUser } from './helpers/factories.js';
import { base64url, decodeJwt, signJwt, type DecodedJwt } from './helpers/jwt.js';

type Algorithm = 'EdDSA' | 'ES256' | 'RS256';

const KEY_PAIRS: Record<Algorithm, () => KeyObject> = {
  EdDSA: () => generateKeyPairSync('ed25519').privateKey,
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
};

const JWKS = '/.well-known/jwks.json';
const ME = '/api/v1/auth/me';

/** A signing key written as the operator would: PKCS#8 private and SPKI public PEM files. */
interface KeyFiles {
  privateKey: KeyObject;
  privateFile: string;
  publicFile: string;
  publicPem: string;
  kid: string;
}

async function writeKey(dir: string, name: string, privateKey: KeyObject): Promise<KeyFiles> {
  const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string;
  const privateFile = join(dir, `${name}.key.pem`);
  const publicFile = join(dir, `${name}.pub.pem`);
  writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(publicFile, publicPem);
  const kid = await calculateJwkThumbprint(await exportJWK(createPublicKey(privateKey)));
  return { privateKey, privateFile, publicFile, publicPem, kid };
}

/** Every key variable spelled out: createTestApp's process.env outlives each app of this file. */
function keyEnv(algorithm: Algorithm | 'HS256', key?: KeyFiles, previous: KeyFiles[] = []) {
  return {
    JWT_ALGORITHM: algorithm,
    JWT_PRIVATE_KEY_FILE: key?.privateFile ?? '',
    JWT_PREVIOUS_PUBLIC_KEY_FILES: previous.map((k) => k.publicFile).join(','),
  };
}

/** Starts a real listening server (createTestApp alone answers through inject, without a socket). */
async function listen(t: TestApp): Promise<string> {
  await t.app.listen(0, '127.0.0.1');
  return t.app.getUrl();
}

/** Signs `header.payload` with a private key, keeping both exactly as given. */
function signWith(jwt: DecodedJwt, key: KeyObject, header: Record<string, unknown> = {}) {
  return new SignJWT(jwt.payload)
    .setProtectedHeader({ ...jwt.header, ...header } as { alg: string })
    .sign(key);
}

/** A new user with an access token (session 1) and a refresh token (session 2). */
async function signIn(t: TestApp) {
  const user = await createUser(t);
  const response = await login(t, user.email, PASSWORD);
  return { user, refreshToken: response.json<{ refresh_token: string }>().refresh_token };
}

describe.each(['EdDSA', 'ES256', 'RS256'] as const)(
  '%s access tokens and JWKS (e2e)',
  (algorithm) => {
    let dir: string;
    let key: KeyFiles;
    let stranger: KeyFiles;
    let t: TestApp;
    let url: string;
    let user: TestUser;
    let jwt: DecodedJwt;
    const verifyOptions: JWTVerifyOptions = {
      issuer: 'recipe-api',
      audience: 'recipe-api',
      algorithms: [algorithm],
      typ: 'at+jwt',
    };

    const me = (token: string) => t.request({ method: 'GET', url: ME, headers: bearer(token) });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `recipe-api-jwks-${algorithm}-`));
      key = await writeKey(dir, 'current', KEY_PAIRS[algorithm]());
      stranger = await writeKey(dir, 'stranger', KEY_PAIRS[algorithm]());
      t = await createTestApp(keyEnv(algorithm, key));
      url = await listen(t);
      user = await createUser(t);
      jwt = decodeJwt(user.token);
    });
    afterAll(async () => {
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('should sign the access token with the configured key, naming it by its thumbprint', async () => {
      expect(jwt.header).toEqual({ alg: algorithm, typ: 'at+jwt', kid: key.kid });

      const response = await me(user.token);

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: user.id, email: user.email });
    });

    it('should publish only the public key over HTTP, cacheable for five minutes, without the /api/v1 prefix', async () => {
      const response = await fetch(`${url}${JWKS}`);
      const body = (await response.json()) as { keys: Record<string, unknown>[] };

      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=300');
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(body).toEqual({
        keys: [
          {
            ...(await exportJWK(createPublicKey(key.privateKey))),
            kid: key.kid,
            alg: algorithm,
            use: 'sig',
          },
        ],
      });
      expect(JSON.stringify(body)).not.toMatch(/"(d|p|q|dp|dq|qi|k)"/);
      expect((await fetch(`${url}${JWKS}/`)).status).toBe(200);
      expect((await fetch(`${url}/api/v1${JWKS}`)).status).toBe(404);
    });

    it('should let another service verify the token with createRemoteJWKSet against the running server', async () => {
      const jwks = createRemoteJWKSet(new URL(JWKS, url));

      const { payload, protectedHeader } = await jwtVerify(user.token, jwks, verifyOptions);

      expect(protectedHeader).toMatchObject({ alg: algorithm, kid: key.kid });
      expect(payload).toMatchObject({
        sub: String(user.id),
        sid: jwt.payload.sid,
        scope: 'profile recipes:write',
        type: 'access_token',
      });
      await expect(
        jwtVerify(await signWith(jwt, stranger.privateKey), jwks, verifyOptions),
      ).rejects.toThrow(errors.JWSSignatureVerificationFailed);
    });

    const forgeries: [string, () => Promise<string> | string][] = [
      ['a token signed by another key under our kid', () => signWith(jwt, stranger.privateKey)],
      [
        'a token signed by another key under its own kid',
        () => signWith(jwt, stranger.privateKey, { kid: stranger.kid }),
      ],
      [
        'a token signed by our key under an unknown kid',
        () => signWith(jwt, key.privateKey, { kid: 'not-a-key-we-have' }),
      ],
      [
        'an HS256 token signed with the public key PEM as HMAC secret (algorithm confusion)',
        () => signJwt({ ...jwt.header, alg: 'HS256' }, jwt.payload, key.publicPem),
      ],
      [
        'an HS256 token signed with the public JWK JSON as HMAC secret',
        async () =>
          signJwt(
            { ...jwt.header, alg: 'HS256' },
            jwt.payload,
            JSON.stringify(await exportJWK(createPublicKey(key.privateKey))),
          ),
      ],
      [
        'a token with alg none',
        () => `${base64url({ ...jwt.header, alg: 'none' })}.${base64url(jwt.payload)}.`,
      ],
      [
        'our token with its header changed to alg none',
        () =>
          `${base64url({ ...jwt.header, alg: 'none' })}.${user.token.split('.').slice(1).join('.')}`,
      ],
    ];

    it.each(forgeries)(
      'should refuse %s with 401 invalid_token, as the other service does',
      async (_case, forge) => {
        const forged = await forge();

        expectInvalidToken(await me(forged));
        await expect(
          jwtVerify(forged, createRemoteJWKSet(new URL(JWKS, url)), verifyOptions),
        ).rejects.toThrow(errors.JOSEError);
      },
    );

    it('should refuse a token of ours that expired, saying so', async () => {
      const now = Math.floor(Date.now() / 1000);
      const expired = await signWith(
        { ...jwt, payload: { ...jwt.payload, iat: now - 3600, exp: now - 60 } },
        key.privateKey,
      );

      const response = await me(expired);

      expectInvalidToken(response);
      expect(response.json()).toMatchObject({ detail: 'The access token expired.' });
    });

    // Stricter than jose's remote key set, which tries a set's only key when the token names none.
    it('should refuse a token signed by our key without a kid', async () => {
      expectInvalidToken(await me(await signWith(jwt, key.privateKey, { kid: undefined })));
    });

    it('should keep a user logged in across a key rotation, then refuse the old key once it is dropped', async () => {
      // One database for three starts: sessions and refresh tokens outlive each restart.
      const database = await createTestDatabase({ file: true });
      onTestFinished(() => database.drop());
      const boot = (current: KeyFiles, previous: KeyFiles[] = []) =>
        createTestApp({ DATABASE_URL: database.url, ...keyEnv(algorithm, current, previous) });
      const next = await writeKey(dir, 'next', KEY_PAIRS[algorithm]());
      const kids = async (app: TestApp) =>
        (await app.request({ method: 'GET', url: JWKS }))
          .json<{ keys: { kid: string }[] }>()
          .keys.map((jwk) => jwk.kid);

      const before = await boot(key);
      const { user: rotating, refreshToken } = await signIn(before).finally(() => before.close());

      // The new key signs; the old one is still accepted and published.
      const during = await boot(next, [key]);
      try {
        const duringUrl = await listen(during);
        expect(
          (await during.request({ method: 'GET', url: ME, headers: rotating.auth })).statusCode,
        ).toBe(200);
        expect(await kids(during)).toEqual([next.kid, key.kid]);
        await expect(
          jwtVerify(rotating.token, createRemoteJWKSet(new URL(JWKS, duringUrl)), verifyOptions),
        ).resolves.toMatchObject({ payload: { sub: String(rotating.id) } });
        const refreshed = await during.request({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refresh_token: refreshToken },
        });
        expect(refreshed.statusCode).toBe(200);
        const { access_token } = refreshed.json<{ access_token: string }>();
        expect(decodeJwt(access_token).header.kid).toBe(next.kid);
      } finally {
        await during.close();
      }

      const after = await boot(next);
      try {
        expectInvalidToken(await after.request({ method: 'GET', url: ME, headers: rotating.auth }));
        expect(await kids(after)).toEqual([next.kid]);
      } finally {
        await after.close();
      }
    });
  },
);

describe('JWKS configuration (e2e)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'recipe-api-jwks-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should answer an empty key set with HS256 and never publish the secret', async () => {
    const t = await createTestApp(keyEnv('HS256'));
    try {
      const user = await createUser(t);
      const response = await t.request({ method: 'GET', url: JWKS });

      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('public, max-age=300');
      expect(response.json()).toEqual({ keys: [] });
      expect(decodeJwt(user.token).header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    } finally {
      await t.close();
    }
  });

  it('should document the route in OpenAPI as public, outside /api/v1', async () => {
    const t = await createTestApp(keyEnv('HS256'));
    try {
      const operation = createOpenApiDocument(t.app).paths[JWKS]?.get;

      expect(operation?.responses['200']).toBeDefined();
      expect(operation?.security ?? []).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('should refuse to start when the private key does not fit the algorithm, naming the variable', async () => {
    const ed25519 = await writeKey(dir, 'ed25519', KEY_PAIRS.EdDSA());

    await expect(createTestApp(keyEnv('ES256', ed25519))).rejects.toThrow(
      /JWT_PRIVATE_KEY_FILE: .* holds an ed25519 key; JWT_ALGORITHM=ES256 needs an EC key on P-256/,
    );
    await expect(
      createTestApp({
        ...keyEnv('RS256'),
        JWT_PRIVATE_KEY_FILE: join(dir, 'none.pem'),
      }),
    ).rejects.toThrow(/JWT_PRIVATE_KEY_FILE: cannot read .*none\.pem \(ENOENT\)/);
  });
});
