import { createHash } from 'node:crypto';
import type { TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { minutesAgo, runSql } from '../../test/helpers/database.js';
import { createServiceModule } from '../../test/helpers/module.js';
import { InvalidOneTimeTokenError, OneTimeTokensService } from './one-time-tokens.service.js';

interface TokenRow {
  user_id: number;
  purpose: string;
  token_hash: string;
  used_at: string | null;
}

describe('OneTimeTokensService', () => {
  let module: TestingModule;
  let tokens: OneTimeTokensService;
  let db: DataSource;
  let nextUser = 0;

  beforeAll(async () => {
    module = await createServiceModule([OneTimeTokensService]);
    tokens = module.get(OneTimeTokensService);
    db = module.get(DataSource);
  });
  afterAll(() => module.close());

  async function userId(): Promise<number> {
    nextUser += 1;
    const result = await runSql<{ id: number }[]>(
      db,
      "INSERT INTO users (email, hashed_password) VALUES (?, 'not a hash') RETURNING id",
      [`token-${nextUser}@example.com`],
    );
    return result[0]!.id;
  }

  const rows = (user: number) =>
    runSql<TokenRow[]>(
      db,
      'SELECT user_id, purpose, token_hash, used_at FROM one_time_tokens WHERE user_id = ? ORDER BY id',
      [user],
    );

  it('should hand out 256 random bits as base64url and store only their SHA-256', async () => {
    const user = await userId();
    const token = await tokens.issue(user, 'password_reset');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    await expect(rows(user)).resolves.toEqual([
      {
        user_id: user,
        purpose: 'password_reset',
        token_hash: createHash('sha256').update(token).digest('hex'),
        used_at: null,
      },
    ]);
  });

  it('should give the user id back once and refuse the token after that', async () => {
    const user = await userId();
    const token = await tokens.issue(user, 'email_verification');
    await expect(tokens.consume(token, 'email_verification')).resolves.toBe(user);
    await expect(tokens.consume(token, 'email_verification')).rejects.toThrow(
      InvalidOneTimeTokenError,
    );
    await expect(rows(user)).resolves.toEqual([
      expect.objectContaining({ used_at: expect.any(String) }),
    ]);
  });

  it('should let only one of two concurrent uses of a token succeed', async () => {
    const user = await userId();
    const token = await tokens.issue(user, 'password_reset');
    const results = await Promise.allSettled([
      tokens.consume(token, 'password_reset'),
      tokens.consume(token, 'password_reset'),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('should refuse a token of another purpose without spending it', async () => {
    const user = await userId();
    const token = await tokens.issue(user, 'password_reset');
    await expect(tokens.consume(token, 'email_verification')).rejects.toThrow(
      InvalidOneTimeTokenError,
    );
    await expect(tokens.consume(token, 'password_reset')).resolves.toBe(user);
  });

  it('should refuse an expired token', async () => {
    const user = await userId();
    const token = await tokens.issue(user, 'password_reset');
    await runSql(db, 'UPDATE one_time_tokens SET expires_at = ? WHERE user_id = ?', [
      minutesAgo(1),
      user,
    ]);
    await expect(tokens.consume(token, 'password_reset')).rejects.toThrow(InvalidOneTimeTokenError);
  });

  it('should retire the older unused tokens of the same purpose, and only those, when a new one is issued', async () => {
    const user = await userId();
    const older = await tokens.issue(user, 'password_reset');
    const verification = await tokens.issue(user, 'email_verification');
    const newer = await tokens.issue(user, 'password_reset');
    await expect(tokens.consume(older, 'password_reset')).rejects.toThrow(InvalidOneTimeTokenError);
    await expect(tokens.consume(newer, 'password_reset')).resolves.toBe(user);
    await expect(tokens.consume(verification, 'email_verification')).resolves.toBe(user);
  });

  it('should store nothing when there is no user, and still answer a token', async () => {
    const [{ count: before }] = await runSql<{ count: number }[]>(
      db,
      'SELECT count(*) AS count FROM one_time_tokens',
    );
    const token = await tokens.issue(null, 'password_reset');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [{ count: after }] = await runSql<{ count: number }[]>(
      db,
      'SELECT count(*) AS count FROM one_time_tokens',
    );
    expect(after).toBe(before);
    await expect(tokens.consume(token, 'password_reset')).rejects.toThrow(InvalidOneTimeTokenError);
  });

  it('should answer the field error on token for an unknown value', async () => {
    await expect(tokens.consume('x'.repeat(43), 'password_reset')).rejects.toMatchObject({
      status: 400,
      errors: [{ field: 'token', message: expect.any(String) }],
    });
  });
});
