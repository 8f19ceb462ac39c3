import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

export const JWT_ALGORITHMS = ['HS256', 'EdDSA', 'ES256', 'RS256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

// Digits only: "1e3", "0x10", " 12 " or "12.5" stay strings, which @IsInt() then refuses by name.
const toInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;

/** Every environment variable the server reads, with its default. */
export class Env {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/\S+)$/, {
    message:
      'DATABASE_URL must look like sqlite:data/recipes.db, sqlite::memory: or postgres://user:password@host:5432/database',
  })
  DATABASE_URL = 'sqlite:data/recipes.db';

  /** PostgreSQL connections per instance (SQLite uses one). */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1000)
  DATABASE_POOL_SIZE = 10;

  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

  @IsIn(JWT_ALGORITHMS, { message: `JWT_ALGORITHM must be one of ${JWT_ALGORITHMS.join(', ')}` })
  JWT_ALGORITHM: JwtAlgorithm = 'HS256';

  /** PEM private key that signs access tokens with EdDSA, ES256 or RS256. */
  @IsOptional()
  @IsString()
  JWT_PRIVATE_KEY_FILE?: string;

  /** Comma-separated PEM public keys still accepted after a key rotation. */
  @IsOptional()
  @IsString()
  JWT_PREVIOUS_PUBLIC_KEY_FILES?: string;

  @IsString()
  @MinLength(1)
  JWT_ISSUER = 'recipe-api';

  @IsString()
  @MinLength(1)
  JWT_AUDIENCE = 'recipe-api';

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  ACCESS_TOKEN_EXPIRE_MINUTES = 30;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(365)
  REFRESH_TOKEN_EXPIRE_DAYS = 30;

  @IsOptional()
  @IsEmail()
  FIRST_SUPERUSER?: string;

  @IsOptional()
  @IsString()
  @MinLength(8)
  FIRST_SUPERUSER_PASSWORD?: string;

  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Unset: human-readable lines in development on a terminal, JSON lines otherwise. */
  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  @Transform(toInteger)
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024)
  BODY_LIMIT_BYTES = 100 * 1024;

  /** For the headers to arrive, then for the body and the answer: late, 408 (body) or 503 (answer). */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(600)
  REQUEST_TIMEOUT_SECONDS = 30;

  // OWASP's argon2id floor: 19 MiB, 2 iterations, 1 lane. Only stronger settings are accepted.
  @Transform(toInteger)
  @IsInt()
  @Min(19456)
  @Max(1024 * 1024)
  ARGON2_MEMORY_COST = 19456;

  @Transform(toInteger)
  @IsInt()
  @Min(2)
  @Max(20)
  ARGON2_TIME_COST = 2;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(16)
  ARGON2_PARALLELISM = 1;

  @Transform(toBoolean)
  @IsBoolean()
  RATE_LIMIT_ENABLED = true;

  /** Per client IP, per auth route, per minute. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100000)
  AUTH_RATE_LIMIT_PER_MINUTE = 30;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_MAX_FAILURES = 10;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  LOGIN_FAILURE_WINDOW_MINUTES = 15;

  /** Shared rate-limit storage for several instances; unset: each process counts in memory. */
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, {
    message:
      'REDIS_URL must look like redis://host:6379, redis://:password@host:6379/0 or rediss://… (TLS)',
  })
  REDIS_URL?: string;

  /** Prepended to every Redis key, so several deployments (or test runs) can share one Redis. */
  @Matches(/^\S{1,100}$/, { message: 'REDIS_KEY_PREFIX must be 1–100 characters without spaces' })
  REDIS_KEY_PREFIX = 'recipe-api:';

  /** Whether X-Forwarded-For names the client (only behind a proxy you run). */
  @Transform(toBoolean)
  @IsBoolean()
  TRUST_PROXY = false;

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(300)
  REFRESH_GRACE_SECONDS = 10;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(365)
  SESSION_IDLE_DAYS = 7;

  @Transform(toBoolean)
  @IsBoolean()
  REFRESH_COOKIE = false;

  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, {
    message: 'SMTP_URL must look like smtp://user:pass@host:587 or smtps://…',
  })
  SMTP_URL?: string;

  @IsString()
  @MinLength(3)
  MAIL_FROM = 'Recipe API <no-reply@localhost>';

  /** Where the links in mails point: the front end's reset and verify pages. */
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'FRONTEND_URL must be an absolute http(s) URL' })
  FRONTEND_URL = 'http://localhost:3000';

  @Transform(toBoolean)
  @IsBoolean()
  REQUIRE_VERIFIED_EMAIL = false;

  /** Routes that change a second factor need an authentication at most this old (`auth_time`). */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  STEP_UP_MAX_AGE_MINUTES = 10;

  /** The WebAuthn relying party: passkeys are bound to this domain (the page's host or a parent of it). */
  @Matches(/^[a-z0-9.-]+$/i, {
    message: 'WEBAUTHN_RP_ID must be a bare domain such as example.com',
  })
  WEBAUTHN_RP_ID = 'localhost';

  /** The name an authenticator shows beside a passkey. */
  @IsString()
  @MinLength(1)
  WEBAUTHN_RP_NAME = 'Recipe API';

  /** Comma-separated origins passkey ceremonies may run on; unset: FRONTEND_URL's origin and CORS_ORIGINS. */
  @IsOptional()
  @IsString()
  WEBAUTHN_ORIGINS?: string;

  /** `users:admin` only after a login with a second factor; unset: true when NODE_ENV=production. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  MFA_REQUIRED_FOR_SUPERUSERS?: boolean;

  /** Open WebSockets one user may hold on one instance; one more is closed with 4429. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1000)
  WS_MAX_SOCKETS_PER_USER = 10;

  /** Messages a WebSocket client may send per second; more close the socket with 4429. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1000)
  WS_MAX_MESSAGES_PER_SECOND = 10;

  /** The server pings every socket this often; one that has not answered the last ping is closed (4408). */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(3600)
  WS_PING_INTERVAL_SECONDS = 30;

  /** Bytes the server may hold for a client that does not read; past that the client is dropped. */
  @Transform(toInteger)
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  WS_MAX_BUFFERED_BYTES = 1024 * 1024;
}

/** The least estimatedSecretBits a production secret may score: 2^128 guesses are out of anyone's reach. */
const MIN_SECRET_BITS = 128;
/** Fewer distinct characters than this is a pattern, not a random secret. */
const MIN_SECRET_SYMBOLS = 8;
/** A run of this many characters seen before counts as a repeat. */
const MIN_REPEAT = 4;

/** Shannon entropy per symbol of `symbols`, in bits. */
function shannonBits(symbols: number[]): number {
  const counts = new Map<number, number>();
  for (const symbol of symbols) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values())
    bits -= (count / symbols.length) * Math.log2(count / symbols.length);
  return bits;
}

/** How many characters are new: a run that repeats earlier text (overlapping too, as in LZ77) counts as one. */
function novelLength(symbols: number[]): number {
  let novel = 0;
  for (let i = 0; i < symbols.length; novel++) {
    let longest = 0;
    for (let j = 0; j < i; j++) {
      let k = 0;
      while (i + k < symbols.length && symbols[j + k] === symbols[i + k]) k++;
      longest = Math.max(longest, k);
    }
    i += longest >= MIN_REPEAT ? longest : 1;
  }
  return novel;
}

/**
 * A guess at a secret's strength from its text alone: bits per character (of the characters or of
 * the steps between them, whichever is lower, so "abcdef…" is as weak as "aaaaaa…") times the
 * characters that do not repeat earlier text. Random hex or base64 scores near its real strength.
 */
export function estimatedSecretBits(secret: string): number {
  const symbols = Array.from(secret, (char) => char.codePointAt(0)!);
  if (new Set(symbols).size < MIN_SECRET_SYMBOLS) return 0;
  const steps = symbols.slice(1).map((symbol, i) => symbol - symbols[i]);
  return Math.min(shannonBits(symbols), shannonBits(steps)) * novelLength(symbols);
}

// The last environment validated: every config namespace and the HTTP adapter read the same one.
let last: { variables: string; env: Env } | undefined;

/**
 * Validates the environment; throws one message naming every bad variable. The same variables
 * again answer the same Env without validating twice.
 */
export function validateEnv(raw: Record<string, unknown>): Env {
  const known = Object.keys(new Env()).concat(
    'JWT_SECRET',
    'FIRST_SUPERUSER',
    'FIRST_SUPERUSER_PASSWORD',
    'CORS_ORIGINS',
    'SMTP_URL',
    'REDIS_URL',
    'JWT_PRIVATE_KEY_FILE',
    'JWT_PREVIOUS_PUBLIC_KEY_FILES',
    'MFA_REQUIRED_FOR_SUPERUSERS',
    'WEBAUTHN_ORIGINS',
  );
  const picked: Record<string, unknown> = {};
  for (const key of known) {
    const value = raw[key];
    if (value === undefined || value === '') continue;
    picked[key] = value;
  }
  const variables = JSON.stringify(picked);
  if (last?.variables === variables) return last.env;
  const env = plainToInstance(Env, picked, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: true, forbidNonWhitelisted: false });
  const problems = errors.map(
    (e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`,
  );
  if (env.NODE_ENV === 'production' && Buffer.byteLength(env.JWT_SECRET ?? '') < 32) {
    problems.push('JWT_SECRET: must be set to at least 32 bytes when NODE_ENV=production');
  } else if (
    env.NODE_ENV === 'production' &&
    estimatedSecretBits(env.JWT_SECRET!) < MIN_SECRET_BITS
  ) {
    problems.push(
      'JWT_SECRET: too easy to guess (few distinct characters, repeats or a run); ' +
        'use a random one, e.g. JWT_SECRET="$(openssl rand -base64 48)"',
    );
  }
  if (env.JWT_ALGORITHM !== 'HS256' && !env.JWT_PRIVATE_KEY_FILE) {
    problems.push(`JWT_PRIVATE_KEY_FILE: required when JWT_ALGORITHM=${env.JWT_ALGORITHM}`);
  }
  for (const name of ['JWT_PRIVATE_KEY_FILE', 'JWT_PREVIOUS_PUBLIC_KEY_FILES'] as const) {
    if (env.JWT_ALGORITHM === 'HS256' && env[name]) {
      problems.push(`${name}: only used with JWT_ALGORITHM EdDSA, ES256 or RS256 (it is HS256)`);
    }
  }
  if (Boolean(env.FIRST_SUPERUSER) !== Boolean(env.FIRST_SUPERUSER_PASSWORD)) {
    problems.push(
      'FIRST_SUPERUSER_PASSWORD: FIRST_SUPERUSER and FIRST_SUPERUSER_PASSWORD are set together',
    );
  }
  if (problems.length > 0) {
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  last = { variables, env };
  return env;
}
