import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { registerAs } from '@nestjs/config';
import { loadAccessTokenKeys } from './access-token-keys.js';
import { isPostgresUrl, readDatabaseConfig, sqlitePath } from './database.config.js';
import { validateEnv } from './env.schema.js';

export const appConfig = registerAs('app', () => {
  const env = validateEnv(process.env);
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    logFormat:
      env.LOG_FORMAT ??
      (env.NODE_ENV === 'development' && process.stdout.isTTY ? 'pretty' : 'json'),
    bodyLimit: env.BODY_LIMIT_BYTES,
    requestTimeoutSeconds: env.REQUEST_TIMEOUT_SECONDS,
    corsOrigins:
      env.CORS_ORIGINS?.split(',')
        .map((origin) => origin.trim())
        .filter(Boolean) ?? [],
    trustProxy: env.TRUST_PROXY,
    firstSuperuser: env.FIRST_SUPERUSER
      ? { email: env.FIRST_SUPERUSER, password: env.FIRST_SUPERUSER_PASSWORD! }
      : undefined,
  };
});

export const databaseConfig = registerAs('database', readDatabaseConfig);

/**
 * In development a secret is generated once and kept beside the SQLite file (mode 0600),
 * so tokens survive restarts; an in-memory database gets a per-process secret.
 */
function developmentSecret(databasePath: string): string {
  if (databasePath === ':memory:') return randomBytes(32).toString('base64url');
  const file = join(dirname(databasePath), 'jwt-secret');
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // made by an earlier start
  }
  return readFileSync(file, 'utf8').trim();
}

export const authConfig = registerAs('auth', () => {
  const env = validateEnv(process.env);
  // With PostgreSQL there is no SQLite file to keep it beside: it goes where the default one would be.
  const secretBeside = isPostgresUrl(env.DATABASE_URL)
    ? 'sqlite:data/recipes.db'
    : env.DATABASE_URL;
  const secret = env.JWT_SECRET ?? developmentSecret(sqlitePath(secretBeside));
  return {
    // With EdDSA/ES256/RS256 the secret still keys refresh-token successors (refresh-tokens.service).
    secret,
    algorithm: env.JWT_ALGORITHM,
    keys: loadAccessTokenKeys(env, secret),
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    accessTokenMinutes: env.ACCESS_TOKEN_EXPIRE_MINUTES,
    sessionDays: env.REFRESH_TOKEN_EXPIRE_DAYS,
    sessionIdleDays: env.SESSION_IDLE_DAYS,
    refreshGraceSeconds: env.REFRESH_GRACE_SECONDS,
    refreshCookie: env.REFRESH_COOKIE,
    requireVerifiedEmail: env.REQUIRE_VERIFIED_EMAIL,
    stepUpMaxAgeSeconds: env.STEP_UP_MAX_AGE_MINUTES * 60,
    mfaRequiredForSuperusers: env.MFA_REQUIRED_FOR_SUPERUSERS ?? env.NODE_ENV === 'production',
    webauthn: {
      rpId: env.WEBAUTHN_RP_ID,
      rpName: env.WEBAUTHN_RP_NAME,
      origins: listOf(env.WEBAUTHN_ORIGINS) ?? [
        new URL(env.FRONTEND_URL).origin,
        ...(listOf(env.CORS_ORIGINS) ?? []),
      ],
    },
    argon2: {
      memoryCost: env.ARGON2_MEMORY_COST,
      timeCost: env.ARGON2_TIME_COST,
      parallelism: env.ARGON2_PARALLELISM,
    },
  };
});

export const rateLimitConfig = registerAs('rateLimit', () => {
  const env = validateEnv(process.env);
  return {
    enabled: env.RATE_LIMIT_ENABLED,
    perMinute: env.AUTH_RATE_LIMIT_PER_MINUTE,
    loginMaxFailures: env.LOGIN_MAX_FAILURES,
    loginFailureWindowMs: env.LOGIN_FAILURE_WINDOW_MINUTES * 60_000,
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
  };
});

export const mailConfig = registerAs('mail', () => {
  const env = validateEnv(process.env);
  return { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, frontendUrl: env.FRONTEND_URL };
});

export const realtimeConfig = registerAs('realtime', () => {
  const env = validateEnv(process.env);
  return {
    maxSocketsPerUser: env.WS_MAX_SOCKETS_PER_USER,
    maxMessagesPerSecond: env.WS_MAX_MESSAGES_PER_SECOND,
    pingIntervalMs: env.WS_PING_INTERVAL_SECONDS * 1000,
    maxBufferedBytes: env.WS_MAX_BUFFERED_BYTES,
  };
});

export type AppConfig = ReturnType<typeof appConfig>;
export type AuthConfig = ReturnType<typeof authConfig>;
export type RateLimitConfig = ReturnType<typeof rateLimitConfig>;
export type MailConfig = ReturnType<typeof mailConfig>;
export type RealtimeConfig = ReturnType<typeof realtimeConfig>;

/** A comma-separated variable as its trimmed, non-empty items; undefined when unset. */
function listOf(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
