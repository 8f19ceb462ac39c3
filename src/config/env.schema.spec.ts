import { validateEnv } from './env.schema.js';

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

  it('should name every bad variable in one message', () => {
    expect(() => validateEnv({ PORT: 'eighty', LOG_LEVEL: 'loud', ARGON2_MEMORY_COST: '1024' })).toThrow(
      /PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/,
    );
    expect(() => validateEnv({ ARGON2_MEMORY_COST: '1024' })).toThrow(/ARGON2_MEMORY_COST/);
  });

  it('should refuse production without a JWT_SECRET of at least 32 bytes', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).JWT_SECRET).toBe('x'.repeat(32));
  });

  it('should refuse a FIRST_SUPERUSER without its password', () => {
    expect(() => validateEnv({ FIRST_SUPERUSER: 'admin@example.com' })).toThrow(/FIRST_SUPERUSER_PASSWORD/);
  });

  it('should refuse an unsupported database URL or algorithm', () => {
    expect(() => validateEnv({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => validateEnv({ JWT_ALGORITHM: 'none' })).toThrow(/JWT_ALGORITHM/);
  });
});
