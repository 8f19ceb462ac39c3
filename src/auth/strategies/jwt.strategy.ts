import { webcrypto, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { errors, jwtVerify, type JWTVerifyOptions } from 'jose';
import type { Principal } from '../../common/decorators/current-user.decorator.js';
import type { Scope } from '../../common/decorators/scopes.decorator.js';
import { UnauthenticatedError } from '../../common/errors/domain.error.js';
import { MAX_ID } from '../../common/parse-id.pipe.js';
import { authConfig, type AuthConfig } from '../../config/configuration.js';
import { SessionsService } from '../sessions.service.js';
import {
  ACCESS_TOKEN_TYP,
  ACCESS_TOKEN_TYPE,
  allowedScopes,
  type AccessTokenClaims,
} from '../tokens.service.js';
import { BearerJwtStrategy, type VerifiedJwt } from './bearer-jwt.strategy.js';

// RFC 9068 §4: "at+jwt" or "application/at+jwt"; RFC 7515 §4.1.9: media types ignore case.
function isAccessTokenTyp(typ: unknown): boolean {
  return (
    typeof typ === 'string' && typ.toLowerCase().replace(/^application\//, '') === ACCESS_TOKEN_TYP
  );
}

// jose exports a secret KeyObject and imports it into WebCrypto again on every verify (it caches
// only asymmetric keys): the HS256 secret is imported once, as the CryptoKey jose uses as it is.
const hmacKeys = new WeakMap<KeyObject, Promise<webcrypto.CryptoKey>>();
function usableKey(key: KeyObject): KeyObject | Promise<webcrypto.CryptoKey> {
  if (key.type !== 'secret') return key;
  let imported = hmacKeys.get(key);
  if (!imported) {
    const hmac = { name: 'HMAC', hash: 'SHA-256' }; // HS256, the one symmetric algorithm allowed
    imported = webcrypto.subtle.importKey('raw', key.export(), hmac, false, ['verify']);
    hmacKeys.set(key, imported);
  }
  return imported;
}

/** Tokens whose signature and claims passed, kept while a client reuses its token (30 min). */
const VERIFIED_TOKENS = 10_000;

/**
 * jose checks the signature, the pinned algorithm, exp (required), nbf, iss and aud. A token that
 * passed is remembered by its exact text: for a repeat only exp and nbf can change their answer,
 * and they are checked again as jose checks them (the keys are fixed for the process's life).
 */
export function accessTokenVerifier(config: AuthConfig): (token: string) => Promise<VerifiedJwt> {
  const options: JWTVerifyOptions = {
    algorithms: [config.algorithm],
    issuer: config.issuer,
    audience: config.audience,
    requiredClaims: ['exp'],
  };
  // Current and previous keys, by kid (HS256: the secret); an unknown kid is refused.
  const keyFor = ({ kid }: { kid?: unknown }) => {
    const key = config.keys.verificationKey(kid);
    if (!key) throw new errors.JWKSNoMatchingKey();
    return usableKey(key);
  };
  const verified = new Map<string, VerifiedJwt>();
  return async (token) => {
    const seen = verified.get(token);
    if (seen) {
      const now = Math.floor(Date.now() / 1000);
      if (seen.payload.exp! > now && !(seen.payload.nbf! > now)) return seen;
      verified.delete(token); // jose answers with the reason (JWTExpired) below
    }
    const { protectedHeader, payload } = await jwtVerify(token, keyFor, options);
    const jwt = Object.freeze({ header: Object.freeze(protectedHeader), payload: Object.freeze(payload) });
    if (verified.size >= VERIFIED_TOKENS) verified.delete(verified.keys().next().value!);
    verified.set(token, jwt);
    return jwt;
  };
}

/**
 * Verifies the bearer token (pinned algorithm, required exp, iss, aud, typ and type), then loads
 * its session and user in one query: a revoked session or a gone user is refused at once.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(BearerJwtStrategy) {
  constructor(
    @Inject(authConfig.KEY) config: AuthConfig,
    private readonly sessions: SessionsService,
  ) {
    super(accessTokenVerifier(config));
  }

  async validate({ header, payload }: VerifiedJwt): Promise<Principal> {
    const claims = payload as Partial<AccessTokenClaims>;
    if (
      !isAccessTokenTyp(header.typ) ||
      claims.type !== ACCESS_TOKEN_TYPE ||
      typeof claims.exp !== 'number' ||
      typeof claims.sid !== 'string' ||
      typeof claims.scope !== 'string' ||
      typeof claims.sub !== 'string' ||
      !/^\d{1,10}$/.test(claims.sub) ||
      Number(claims.sub) > MAX_ID // PostgreSQL would refuse the out-of-range parameter with a 500
    ) {
      throw new UnauthenticatedError('The access token is not one this API issued.', true);
    }
    const user = await this.sessions.findLiveUser(claims.sid, Number(claims.sub));
    if (!user) {
      throw new UnauthenticatedError('The session of this token has ended.', true);
    }
    const allowed = allowedScopes(user);
    const scopes = claims.scope.split(' ').filter((s): s is Scope => allowed.includes(s as Scope));
    return { user, sessionId: claims.sid, scopes };
  }
}
