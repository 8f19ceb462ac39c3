import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { getMetadataStorage } from 'class-validator';
import { Env, validateEnv } from './env.schema.js';

describe('validateEnv', () => {
  it('should apply the contract defaults to an empty environment', () => {
    expect(validateEnv({})).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '0.0.0.0',
      DATABASE_URL: 'sqlite:data/recipes.db',
      JWT_ALGORITHM: 'HS256',
      JWT_ISSUER: 'recipe-api',
      JWT_AUDIENCE: 'recipe-api',
      ACCESS_TOKEN_EXPIRE_MINUTES: 30,
      REFRESH_TOKEN_EXPIRE_DAYS: 30,
      LOG_LEVEL: 'info',
      RATE_LIMIT_ENABLED: true,
    });
  });

  it('should read numbers and booleans from their strings', () => {
    expect(validateEnv({ PORT: '8080', RATE_LIMIT_ENABLED: 'false' })).toMatchObject({
      PORT: 8080,
      RATE_LIMIT_ENABLED: false,
    });
  });

  it('should take whole numbers in digits only, naming the variable otherwise, and treat "" as unset', () => {
    expect(validateEnv({ PORT: '', DATABASE_POOL_SIZE: '0012' })).toMatchObject({
      PORT: 3000,
      DATABASE_POOL_SIZE: 12,
    });
    expect(() => validateEnv({ DATABASE_POOL_SIZE: '-0012' })).toThrow(
      /DATABASE_POOL_SIZE must not be less than 1/,
    );
    for (const value of ['abc', '1e3', '0x10', ' 12 ', '12.5', '12abc']) {
      expect(() => validateEnv({ PORT: value })).toThrow(
        /^Invalid configuration:\n {2}PORT: (.*; )?PORT must be an integer number/,
      );
    }
  });

  it('should validate the same variables once, and variables that differ again', () => {
    const env = validateEnv({ PORT: '8081', UNRELATED: 'x' });
    expect(validateEnv({ PORT: '8081', UNRELATED: 'y' })).toBe(env);
    expect(validateEnv({ PORT: '8082' })).toMatchObject({ PORT: 8082 });
    expect(() => validateEnv({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => validateEnv({ PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('should name every bad variable in one message', () => {
    expect(() =>
      validateEnv({ PORT: 'eighty', LOG_LEVEL: 'loud', ARGON2_MEMORY_COST: '1024' }),
    ).toThrow(/PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/);
    expect(() => validateEnv({ ARGON2_MEMORY_COST: '1024' })).toThrow(/ARGON2_MEMORY_COST/);
  });

  it('should refuse production without a JWT_SECRET of at least 32 bytes', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(
      /JWT_SECRET/,
    );
    const secret = randomBytes(32).toString('base64');
    expect(validateEnv({ NODE_ENV: 'production', JWT_SECRET: secret }).JWT_SECRET).toBe(secret);
  });

  it.each([
    ['one character repeated', 'x'.repeat(32)],
    ['a short pattern repeated', 'abc'.repeat(16)],
    ['a word repeated', 'changeme-'.repeat(5)],
    [
      'a pattern repeated after a random start',
      `${randomBytes(6).toString('hex')}${'ab12'.repeat(10)}`,
    ],
    ['two symbols', '0110100110010110'.repeat(4)],
    ['digits only', '31415926535897932384626433'.padEnd(32, '8')],
    ['an alphabet run', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEF'],
    ['a 128-bit hex string', '5f2b9c4e8a1d7036e4b2c9f1a8d5e307'],
  ])(
    'should refuse a guessable production JWT_SECRET: %s, saying how to make one without echoing it',
    (_case, secret) => {
      expect(Buffer.byteLength(secret)).toBeGreaterThanOrEqual(32);
      let message = '';
      try {
        validateEnv({ NODE_ENV: 'production', JWT_SECRET: secret });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^Invalid configuration:\n {2}JWT_SECRET: .*openssl rand -base64 48/);
      expect(message).not.toContain(secret);
      expect(validateEnv({ NODE_ENV: 'development', JWT_SECRET: secret }).JWT_SECRET).toBe(secret);
    },
  );

  it('should accept random secrets as openssl rand -hex 32 / -base64 32 / -base64 48 make them, every time', () => {
    for (let i = 0; i < 500; i++) {
      for (const secret of [
        randomBytes(32).toString('hex'),
        randomBytes(32).toString('base64'),
        randomBytes(32).toString('base64url'),
        randomBytes(48).toString('base64'),
      ]) {
        expect(validateEnv({ NODE_ENV: 'production', JWT_SECRET: secret }).JWT_SECRET).toBe(secret);
      }
    }
  });

  it('should accept the secrets the test suites start production servers with', () => {
    // test/helpers/app.ts and test/browser/docs.browser-spec.ts
    for (const secret of [
      'test-secret-that-is-at-least-32-bytes-long!',
      'browser-test-secret-0123456789-abcdefghijklmnop',
    ]) {
      expect(validateEnv({ NODE_ENV: 'production', JWT_SECRET: secret }).JWT_SECRET).toBe(secret);
    }
  });

  it('should refuse a FIRST_SUPERUSER without its password', () => {
    expect(() => validateEnv({ FIRST_SUPERUSER: 'admin@example.com' })).toThrow(
      /FIRST_SUPERUSER_PASSWORD/,
    );
  });

  it('should want a private key file exactly when JWT_ALGORITHM is asymmetric', () => {
    for (const algorithm of ['EdDSA', 'ES256', 'RS256']) {
      expect(() => validateEnv({ JWT_ALGORITHM: algorithm })).toThrow(
        `JWT_PRIVATE_KEY_FILE: required when JWT_ALGORITHM=${algorithm}`,
      );
      expect(
        validateEnv({ JWT_ALGORITHM: algorithm, JWT_PRIVATE_KEY_FILE: 'key.pem' }),
      ).toMatchObject({
        JWT_ALGORITHM: algorithm,
        JWT_PRIVATE_KEY_FILE: 'key.pem',
      });
    }
    expect(() => validateEnv({ JWT_PRIVATE_KEY_FILE: 'key.pem' })).toThrow(
      /JWT_PRIVATE_KEY_FILE: only used with/,
    );
    expect(() => validateEnv({ JWT_PREVIOUS_PUBLIC_KEY_FILES: 'old.pem' })).toThrow(
      /JWT_PREVIOUS_PUBLIC_KEY_FILES: only used with/,
    );
    expect(() => validateEnv({ JWT_ALGORITHM: 'HS512' })).toThrow(
      /JWT_ALGORITHM must be one of HS256, EdDSA, ES256, RS256/,
    );
  });

  it('should take a postgres:// or postgresql:// DATABASE_URL and a DATABASE_POOL_SIZE (default 10)', () => {
    expect(validateEnv({ DATABASE_URL: 'postgres://app:secret@db:5432/recipes' })).toMatchObject({
      DATABASE_URL: 'postgres://app:secret@db:5432/recipes',
      DATABASE_POOL_SIZE: 10,
    });
    expect(
      validateEnv({ DATABASE_URL: 'postgresql://db/recipes', DATABASE_POOL_SIZE: '25' })
        .DATABASE_POOL_SIZE,
    ).toBe(25);
    expect(() => validateEnv({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => validateEnv({ DATABASE_URL: 'postgres://' })).toThrow(/DATABASE_URL/);
  });

  it('should refuse an unsupported database URL or algorithm', () => {
    expect(() => validateEnv({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => validateEnv({ JWT_ALGORITHM: 'none' })).toThrow(/JWT_ALGORITHM/);
  });

  it('should take a REQUEST_TIMEOUT_SECONDS of 1 to 600, 30 by default', () => {
    expect(validateEnv({})).toMatchObject({ REQUEST_TIMEOUT_SECONDS: 30 });
    expect(validateEnv({ REQUEST_TIMEOUT_SECONDS: '5' })).toMatchObject({
      REQUEST_TIMEOUT_SECONDS: 5,
    });
    for (const value of ['0', '601', 'never']) {
      expect(() => validateEnv({ REQUEST_TIMEOUT_SECONDS: value })).toThrow(
        /REQUEST_TIMEOUT_SECONDS/,
      );
    }
  });

  it('should take a redis:// or rediss:// REDIS_URL, unset by default, and a REDIS_KEY_PREFIX', () => {
    expect(validateEnv({})).toMatchObject({
      REDIS_URL: undefined,
      REDIS_KEY_PREFIX: 'recipe-api:',
    });
    for (const url of [
      'redis://127.0.0.1:6379',
      'redis://:pw@cache:6379/2',
      'rediss://cache.example.com:6380',
    ]) {
      expect(validateEnv({ REDIS_URL: url, REDIS_KEY_PREFIX: 'staging:' })).toMatchObject({
        REDIS_URL: url,
        REDIS_KEY_PREFIX: 'staging:',
      });
    }
    expect(() => validateEnv({ REDIS_URL: 'http://cache:6379' })).toThrow(
      /REDIS_URL must look like/,
    );
    let message = '';
    try {
      validateEnv({ REDIS_URL: 'redis://:hunter2@ cache' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/REDIS_URL must look like/);
    expect(message).not.toContain('hunter2');
    expect(() => validateEnv({ REDIS_KEY_PREFIX: 'has space' })).toThrow(/REDIS_KEY_PREFIX/);
  });

  it('should take the WebSocket limits within their bounds, naming a bad one', () => {
    expect(validateEnv({})).toMatchObject({
      WS_MAX_SOCKETS_PER_USER: 10,
      WS_MAX_MESSAGES_PER_SECOND: 10,
      WS_PING_INTERVAL_SECONDS: 30,
      WS_MAX_BUFFERED_BYTES: 1024 * 1024,
    });
    expect(
      validateEnv({ WS_MAX_SOCKETS_PER_USER: '3', WS_PING_INTERVAL_SECONDS: '5' }),
    ).toMatchObject({
      WS_MAX_SOCKETS_PER_USER: 3,
      WS_PING_INTERVAL_SECONDS: 5,
    });
    for (const [name, value] of [
      ['WS_MAX_SOCKETS_PER_USER', '0'],
      ['WS_MAX_MESSAGES_PER_SECOND', 'many'],
      ['WS_PING_INTERVAL_SECONDS', '0'],
      ['WS_MAX_BUFFERED_BYTES', '100'],
    ]) {
      expect(() => validateEnv({ [name!]: value })).toThrow(new RegExp(name!));
    }
  });
});

describe('.env.example', () => {
  /** NAME → the value on its `# NAME=value` line, without a trailing `# comment`. */
  const example = new Map(
    readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')
      .split('\n')
      .map((line) => /^# ([A-Z][A-Z0-9_]*)=(.*?)(?:\s+#.*)?$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match[1], match[2]] as const),
  );

  it('should list every variable the server reads, with its default', () => {
    const names = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(Env, '', true, false)
        .map((metadata) => metadata.propertyName),
    );
    const defaults = new Env() as unknown as Record<string, string | number | boolean | undefined>;

    expect([...example.keys()].sort()).toEqual([...names].sort());
    for (const name of names)
      expect([name, example.get(name)]).toEqual([name, String(defaults[name] ?? '')]);
  });
});
