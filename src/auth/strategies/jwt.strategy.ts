import { webcrypto, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../../common/decorators/current-user.decorator.js';
import { UnauthenticatedError } from '../../common/errors/domain.error.js';
import { MAX_ID } from '../../common/parse-id.pipe.js';
import { authConfig, type AuthConfig } from '../../config/configuration.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { narrowScopes, withoutUnprovenAdmin } from '../scope-policy.js';
import { ACCESS_TOKEN_TYP, ACCESS_TOKEN_TYPE, type AccessTokenClaims } from '../tokens.service.js';
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

/** How far the clocks of the instance that signed a token and the one checking it may differ. */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * jose checks the signature, the pinned algorithm, exp and iat (required), nbf, iss and aud, with
 * the clock skew: iat not ahead, the token not older than an access token lives; exp − iat is
 * checked here. A token that passed is remembered by its exact text: for a repeat only the times
 * can change their answer, and they are checked again as jose checks them (the keys are fixed
 * for the process's life).
 */
export function accessTokenVerifier(config: AuthConfig): (token: string) => Promise<VerifiedJwt> {
  const lifetime = config.accessTokenMinutes * 60;
  const options: JWTVerifyOptions = {
    algorithms: [config.algorithm],
    issuer: config.issuer,
    audience: config.audience,
    requiredClaims: ['exp', 'iat'],
    maxTokenAge: lifetime,
    clockTolerance: CLOCK_SKEW_SECONDS,
  };
  // jose's checks of exp, nbf and iat (maxTokenAge) as they stand at `now`, for a remembered token.
  const inTime = ({ exp, nbf, iat }: JWTPayload, now: number) =>
    exp! > now - CLOCK_SKEW_SECONDS &&
    !(nbf! > now + CLOCK_SKEW_SECONDS) &&
    iat! <= now + CLOCK_SKEW_SECONDS &&
    now - iat! <= lifetime + CLOCK_SKEW_SECONDS;
  // Current and previous keys, by kid (HS256: the secret); an unknown kid is refused.
  const keyFor = ({ kid }: { kid?: unknown }) => {
    const key = config.keys.verificationKey(kid);
    if (!key) throw new errors.JWKSNoMatchingKey();
    return usableKey(key);
  };
  // Least recently used dropped first; an entry goes when its token can no longer pass.
  const verified = new LRUCache<string, VerifiedJwt>({ max: VERIFIED_TOKENS });
  return async (token) => {
    const seen = verified.get(token);
    if (seen) {
      if (inTime(seen.payload, Math.floor(Date.now() / 1000))) return seen;
      verified.delete(token); // jose answers with the reason (JWTExpired) below
    }
    const { protectedHeader, payload } = await jwtVerify(token, keyFor, options);
    if (payload.exp! - payload.iat! > lifetime + CLOCK_SKEW_SECONDS) {
      const message = '"exp" is further after "iat" than an access token lives';
      throw new errors.JWTClaimValidationFailed(message, payload, 'exp', 'check_failed');
    }
    const jwt = Object.freeze({
      header: Object.freeze(protectedHeader),
      payload: Object.freeze(payload),
    });
    verified.set(token, jwt, { ttl: (payload.exp! + CLOCK_SKEW_SECONDS) * 1000 - Date.now() });
    return jwt;
  };
}

// Sessions and jti are named by randomUUID(); scopes are lower-case names (RFC 6749 §3.3 list).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SCOPE_LIST = /^(?:[a-z][a-z:_-]*(?: [a-z][a-z:_-]*)*)?$/;
const MAX_SCOPE_LENGTH = 200; // the sessions.scope column

// RFC 8176 method names as this API issues them: a few short lower-case words.
const isAmr = (amr: unknown): amr is string[] =>
  Array.isArray(amr) &&
  amr.length >= 1 &&
  amr.length <= 4 &&
  amr.every((method) => typeof method === 'string' && /^[a-z]{2,8}$/.test(method));

/** Every claim this API's access tokens carry, in the shape it issues them: nothing else reaches a query. */
function isAccessToken({ header, payload }: VerifiedJwt): boolean {
  const claims = payload as Partial<AccessTokenClaims>;
  return (
    isAccessTokenTyp(header.typ) &&
    claims.type === ACCESS_TOKEN_TYPE &&
    typeof claims.exp === 'number' &&
    typeof claims.iat === 'number' &&
    typeof claims.sid === 'string' &&
    UUID.test(claims.sid) &&
    typeof claims.jti === 'string' &&
    UUID.test(claims.jti) &&
    typeof claims.scope === 'string' &&
    claims.scope.length <= MAX_SCOPE_LENGTH &&
    SCOPE_LIST.test(claims.scope) &&
    (claims.amr === undefined || isAmr(claims.amr)) &&
    (claims.auth_time === undefined ||
      (Number.isInteger(claims.auth_time) && claims.auth_time <= claims.iat)) &&
    typeof claims.sub === 'string' &&
    /^\d{1,10}$/.test(claims.sub) &&
    Number(claims.sub) <= MAX_ID // PostgreSQL would refuse the out-of-range parameter with a 500
  );
}

/**
 * Verifies the bearer token (pinned algorithm, required exp and iat, iss, aud, typ, type and the
 * shape of every claim), then loads its session and user in one query: a revoked session or a
 * gone user is refused at once.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(BearerJwtStrategy) {
  constructor(
    @Inject(authConfig.KEY) config: AuthConfig,
    private readonly sessions: SessionsService,
  ) {
    super(accessTokenVerifier(config));
    this.mfaRequiredForSuperusers = config.mfaRequiredForSuperusers;
  }

  private readonly mfaRequiredForSuperusers: boolean;

  async validate(jwt: VerifiedJwt): Promise<Principal> {
    if (!isAccessToken(jwt)) {
      throw new UnauthenticatedError('The access token is not one this API issued.', true);
    }
    const claims = jwt.payload as unknown as AccessTokenClaims;
    const user = await this.sessions.findLiveUser(claims.sid, Number(claims.sub));
    if (!user) {
      throw new UnauthenticatedError('The session of this token has ended.', true);
    }
    return {
      user,
      sessionId: claims.sid,
      scopes: withoutUnprovenAdmin(
        narrowScopes(user, claims.scope),
        claims.amr,
        this.mfaRequiredForSuperusers,
      ),
      authTime: claims.auth_time,
      amr: claims.amr,
    };
  }
}
