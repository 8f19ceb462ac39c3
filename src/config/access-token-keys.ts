import {
  createHash,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Env, JwtAlgorithm } from './env.schema.js';

type AsymmetricAlgorithm = Exclude<JwtAlgorithm, 'HS256'>;

/** A public key as published in the JWK Set (RFC 7517 §4), with what a verifier picks it by. */
export type PublicJwk = JsonWebKey & {
  kty: string;
  kid: string;
  alg: AsymmetricAlgorithm;
  use: 'sig';
};

export interface AccessTokenKeys {
  /** Signs new access tokens: the HS256 secret or the private key. */
  signingKey: KeyObject;
  /** The `kid` header of new tokens; HS256 tokens carry none. */
  kid?: string;
  /** The key that verifies a token whose header names this `kid`; undefined refuses the token. */
  verificationKey(kid: unknown): KeyObject | undefined;
  /** GET /.well-known/jwks.json: the current public key, then the previous ones. Empty with HS256. */
  jwks: { keys: PublicJwk[] };
}

const KEY_TYPES: Record<AsymmetricAlgorithm, { needs: string; fits: (key: KeyObject) => boolean }> =
  {
    EdDSA: { needs: 'an Ed25519 key', fits: (key) => key.asymmetricKeyType === 'ed25519' },
    ES256: {
      needs: 'an EC key on P-256 (prime256v1)',
      fits: (key) =>
        key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1',
    },
    RS256: {
      needs: 'an RSA key of at least 2048 bits',
      fits: (key) =>
        key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048,
    },
  };

// RFC 7638 §3.2: the required members of each key type, in lexicographic order.
const THUMBPRINT_MEMBERS: Record<string, (keyof JsonWebKey)[]> = {
  OKP: ['crv', 'kty', 'x'],
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
};

/** RFC 7638 JWK thumbprint (SHA-256, base64url): the `kid` of a public key. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members = THUMBPRINT_MEMBERS[jwk.kty ?? ''] ?? [];
  const canonical = JSON.stringify(Object.fromEntries(members.map((name) => [name, jwk[name]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

function describe(key: KeyObject): string {
  const { namedCurve, modulusLength } = key.asymmetricKeyDetails ?? {};
  const detail = namedCurve ?? (modulusLength ? `${modulusLength} bits` : undefined);
  return `an ${key.asymmetricKeyType ?? key.type} key${detail ? ` (${detail})` : ''}`;
}

/** Reads one PEM key file; what is wrong with it goes to `problems`, named by its variable. */
function readKey(
  variable: string,
  file: string,
  kind: 'private' | 'public',
  algorithm: AsymmetricAlgorithm,
  problems: string[],
): KeyObject | undefined {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
    return undefined;
  }
  let key: KeyObject;
  try {
    // createPublicKey also takes a private key and derives its public half.
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch {
    problems.push(`${variable}: ${file} is not an unencrypted PEM ${kind} key`);
    return undefined;
  }
  const { needs, fits } = KEY_TYPES[algorithm];
  if (!fits(key)) {
    problems.push(
      `${variable}: ${file} holds ${describe(key)}; JWT_ALGORITHM=${algorithm} needs ${needs}`,
    );
    return undefined;
  }
  return key;
}

function publicJwk(key: KeyObject, algorithm: AsymmetricAlgorithm): PublicJwk {
  const jwk = key.export({ format: 'jwk' });
  return { ...jwk, kty: jwk.kty!, kid: jwkThumbprint(jwk), alg: algorithm, use: 'sig' };
}

/**
 * The access-token keys, read and checked once at start: HS256 uses JWT_SECRET; EdDSA, ES256 and
 * RS256 sign with JWT_PRIVATE_KEY_FILE and also accept JWT_PREVIOUS_PUBLIC_KEY_FILES (rotation).
 * Every key is a KeyObject, so nothing parses a key per request. Throws naming each bad variable.
 */
export function loadAccessTokenKeys(
  env: Pick<Env, 'JWT_ALGORITHM' | 'JWT_PRIVATE_KEY_FILE' | 'JWT_PREVIOUS_PUBLIC_KEY_FILES'>,
  secret: string,
): AccessTokenKeys {
  const algorithm = env.JWT_ALGORITHM;
  if (algorithm === 'HS256') {
    const key = createSecretKey(Buffer.from(secret));
    return { signingKey: key, verificationKey: () => key, jwks: { keys: [] } };
  }
  const problems: string[] = [];
  const privateKey = readKey(
    'JWT_PRIVATE_KEY_FILE',
    env.JWT_PRIVATE_KEY_FILE ?? '',
    'private',
    algorithm,
    problems,
  );
  const previous = (env.JWT_PREVIOUS_PUBLIC_KEY_FILES ?? '')
    .split(',')
    .map((file) => file.trim())
    .filter(Boolean)
    .map((file) => readKey('JWT_PREVIOUS_PUBLIC_KEY_FILES', file, 'public', algorithm, problems));
  if (!privateKey || problems.length > 0) {
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const byKid = new Map<string, { key: KeyObject; jwk: PublicJwk }>();
  for (const key of [createPublicKey(privateKey), ...(previous as KeyObject[])]) {
    const jwk = publicJwk(key, algorithm);
    if (!byKid.has(jwk.kid)) byKid.set(jwk.kid, { key, jwk }); // the current key listed again is one key
  }
  const [current] = byKid.keys();
  return {
    signingKey: privateKey,
    kid: current,
    verificationKey: (kid) => (typeof kid === 'string' ? byKid.get(kid)?.key : undefined),
    jwks: { keys: [...byKid.values()].map(({ jwk }) => jwk) },
  };
}
