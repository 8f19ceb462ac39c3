import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { jwkThumbprint, loadAccessTokenKeys } from './access-token-keys.js';
import type { JwtAlgorithm } from './env.schema.js';

const SECRET = 'unit-test-secret-that-is-at-least-32-bytes';

const KEYS = {
  ed25519: () => generateKeyPairSync('ed25519').privateKey,
  p256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  p384: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey,
  rsa2048: () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  rsa1024: () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey,
};
const KEY_FOR: Record<Exclude<JwtAlgorithm, 'HS256'>, keyof typeof KEYS> = {
  EdDSA: 'ed25519',
  ES256: 'p256',
  RS256: 'rsa2048',
};

describe('loadAccessTokenKeys', () => {
  let dir: string;
  const keys = {} as Record<keyof typeof KEYS, KeyObject>;
  let file = 0;

  /** Writes a PEM file: a private key as PKCS#8, a public one as SPKI. */
  function pem(key: KeyObject, kind: 'private' | 'public' = 'private'): string {
    const path = join(dir, `key-${++file}.pem`);
    const text =
      kind === 'private'
        ? key.export({ type: 'pkcs8', format: 'pem' })
        : createPublicKey(key).export({ type: 'spki', format: 'pem' });
    writeFileSync(path, text);
    return path;
  }

  const load = (algorithm: JwtAlgorithm, privateFile?: string, previous?: string) =>
    loadAccessTokenKeys(
      {
        JWT_ALGORITHM: algorithm,
        JWT_PRIVATE_KEY_FILE: privateFile,
        JWT_PREVIOUS_PUBLIC_KEY_FILES: previous,
      },
      SECRET,
    );

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'recipe-api-keys-'));
    for (const name of Object.keys(KEYS) as (keyof typeof KEYS)[]) keys[name] = KEYS[name]();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should use the JWT_SECRET as a secret KeyObject for HS256, publish nothing and name no kid', () => {
    const loaded = load('HS256');

    expect(loaded.signingKey.type).toBe('secret');
    expect(loaded.signingKey.export().toString()).toBe(SECRET);
    expect(loaded.kid).toBeUndefined();
    expect(loaded.verificationKey(undefined)).toBe(loaded.signingKey);
    expect(loaded.verificationKey('any')).toBe(loaded.signingKey);
    expect(loaded.jwks).toEqual({ keys: [] });
  });

  it.each(Object.entries(KEY_FOR))(
    'should load a %s private key, name it by its RFC 7638 thumbprint and publish only its public half',
    async (algorithm, keyName) => {
      const privateKey = keys[keyName];
      const publicJwk = await exportJWK(createPublicKey(privateKey));
      const thumbprint = await calculateJwkThumbprint(publicJwk);

      const loaded = load(algorithm as JwtAlgorithm, pem(privateKey));

      expect(loaded.signingKey.type).toBe('private');
      expect(loaded.kid).toBe(thumbprint);
      expect(loaded.verificationKey(thumbprint)?.equals(createPublicKey(privateKey))).toBe(true);
      expect(loaded.verificationKey('another-kid')).toBeUndefined();
      expect(loaded.verificationKey(undefined)).toBeUndefined();
      expect(loaded.jwks).toEqual({
        keys: [{ ...publicJwk, kid: thumbprint, alg: algorithm, use: 'sig' }],
      });
      expect(JSON.stringify(loaded.jwks)).not.toMatch(/"(d|p|q|dp|dq|qi)"/);
    },
  );

  it('should accept previous public keys by their kid and list them after the current key', () => {
    const [older, old] = [KEYS.ed25519(), KEYS.ed25519()];
    const current = keys.ed25519;

    const loaded = load('EdDSA', pem(current), ` ${pem(old, 'public')} ,${pem(older, 'public')},`);

    const kids = loaded.jwks.keys.map((jwk) => jwk.kid);
    expect(kids).toEqual(
      [current, old, older].map((key) =>
        jwkThumbprint(createPublicKey(key).export({ format: 'jwk' })),
      ),
    );
    expect(loaded.kid).toBe(kids[0]);
    expect(loaded.verificationKey(kids[1])?.equals(createPublicKey(old))).toBe(true);
    expect(loaded.verificationKey(kids[2])?.equals(createPublicKey(older))).toBe(true);
  });

  it('should list the current key once when it is also among the previous keys', () => {
    const loaded = load('ES256', pem(keys.p256), pem(keys.p256, 'public'));

    expect(loaded.jwks.keys).toHaveLength(1);
  });

  it.each([
    [
      'EdDSA',
      'p256',
      /JWT_PRIVATE_KEY_FILE: .* holds an ec key \(prime256v1\); JWT_ALGORITHM=EdDSA needs an Ed25519 key/,
    ],
    [
      'ES256',
      'ed25519',
      /JWT_PRIVATE_KEY_FILE: .* holds an ed25519 key; JWT_ALGORITHM=ES256 needs an EC key on P-256/,
    ],
    [
      'ES256',
      'p384',
      /JWT_PRIVATE_KEY_FILE: .* holds an ec key \(secp384r1\); JWT_ALGORITHM=ES256 needs an EC key on P-256/,
    ],
    [
      'RS256',
      'rsa1024',
      /JWT_PRIVATE_KEY_FILE: .* holds an rsa key \(1024 bits\); JWT_ALGORITHM=RS256 needs an RSA key of at least 2048 bits/,
    ],
    ['RS256', 'ed25519', /JWT_PRIVATE_KEY_FILE: .* needs an RSA key/],
  ] as const)(
    'should refuse a %s configuration with a %s private key',
    (algorithm, keyName, message) => {
      expect(() => load(algorithm, pem(keys[keyName]))).toThrow(message);
    },
  );

  it('should refuse a private key file that is missing, a directory, not a key, a public key or encrypted', () => {
    const missing = join(dir, 'missing.pem');
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a key');
    const encrypted = join(dir, 'encrypted.pem');
    writeFileSync(
      encrypted,
      keys.ed25519.export({
        type: 'pkcs8',
        format: 'pem',
        cipher: 'aes-256-cbc',
        passphrase: 'secret',
      }),
    );

    expect(() => load('EdDSA', missing)).toThrow(
      `JWT_PRIVATE_KEY_FILE: cannot read ${missing} (ENOENT)`,
    );
    expect(() => load('EdDSA', dir)).toThrow(`JWT_PRIVATE_KEY_FILE: cannot read ${dir} (EISDIR)`);
    expect(() => load('EdDSA', garbage)).toThrow(
      `JWT_PRIVATE_KEY_FILE: ${garbage} is not an unencrypted PEM private key`,
    );
    expect(() => load('EdDSA', pem(keys.ed25519, 'public'))).toThrow(
      /JWT_PRIVATE_KEY_FILE: .* is not an unencrypted PEM private key/,
    );
    expect(() => load('EdDSA', encrypted)).toThrow(
      `JWT_PRIVATE_KEY_FILE: ${encrypted} is not an unencrypted PEM private key`,
    );
  });

  it('should name JWT_PREVIOUS_PUBLIC_KEY_FILES for each bad previous key, in one message with the private key', () => {
    const missing = join(dir, 'gone.pem');

    let error: Error | undefined;
    try {
      load(
        'ES256',
        pem(keys.rsa2048),
        `${pem(keys.p256, 'public')},${missing},${pem(keys.p384, 'public')}`,
      );
    } catch (thrown) {
      error = thrown as Error;
    }

    expect(error?.message.split('\n')).toEqual([
      'Invalid configuration:',
      expect.stringMatching(
        /^ {2}JWT_PRIVATE_KEY_FILE: .* holds an rsa key \(2048 bits\); JWT_ALGORITHM=ES256 needs/,
      ),
      `  JWT_PREVIOUS_PUBLIC_KEY_FILES: cannot read ${missing} (ENOENT)`,
      expect.stringMatching(
        /^ {2}JWT_PREVIOUS_PUBLIC_KEY_FILES: .* holds an ec key \(secp384r1\); JWT_ALGORITHM=ES256 needs/,
      ),
    ]);
  });

  it('should compute the RFC 7638 §3.1 example thumbprint', () => {
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };

    expect(jwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });
});
