import { createHmac } from 'node:crypto';
import { authConfig, type AuthConfig } from '../../src/config/configuration.js';
import type { TestApp } from './app.js';

export type JwtPart = Record<string, unknown>;

export interface DecodedJwt {
  header: JwtPart;
  payload: JwtPart;
  signature: string;
}

const HMAC_DIGESTS = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as const;
export type HmacAlgorithm = keyof typeof HMAC_DIGESTS;

export function base64url(value: string | JwtPart): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString(
    'base64url',
  );
}

/** Splits a compact JWT without verifying anything. */
export function decodeJwt(token: string): DecodedJwt {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const parse = (part: string) =>
    JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as JwtPart;
  return { header: parse(header), payload: parse(payload), signature };
}

/** The secret the running app signs with, read from its own validated config. */
export function jwtSecret(t: TestApp): string {
  return t.app.get<AuthConfig>(authConfig.KEY).secret;
}

/** HMAC-signs `header.payload` exactly as given (no claim is added or checked); a string is sent as is. */
export function signJwt(
  header: JwtPart | string,
  payload: JwtPart | string,
  secret: string,
  algorithm: HmacAlgorithm = 'HS256',
): string {
  const input = `${base64url(header)}.${base64url(payload)}`;
  const signature = createHmac(HMAC_DIGESTS[algorithm], secret).update(input).digest('base64url');
  return `${input}.${signature}`;
}

/** Re-signs a token after changing its header and claims; `undefined` values remove a field. */
export function resign(
  t: TestApp,
  token: string,
  changes: { header?: JwtPart; payload?: JwtPart; algorithm?: HmacAlgorithm } = {},
): string {
  const { header, payload } = decodeJwt(token);
  const algorithm = changes.algorithm ?? 'HS256';
  return signJwt(
    withoutUndefined({ ...header, alg: algorithm, ...changes.header }),
    withoutUndefined({ ...payload, ...changes.payload }),
    jwtSecret(t),
    algorithm,
  );
}

function withoutUndefined(part: JwtPart): JwtPart {
  return Object.fromEntries(Object.entries(part).filter(([, value]) => value !== undefined));
}
