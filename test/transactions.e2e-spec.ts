import { createHash } from 'node:crypto';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TokenDto as Token } from '../src/auth/dto/token.dto.js';
import type { Transactions } from '../src/database/transactions.js';
import { User } from '../src/users/user.entity.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createUser, login, newEmail, type TestUser } from './helpers/factories.js';
import { decodeJwt } from './helpers/jwt.js';

const USERS = 10;
const LOGINS_EACH = 3; // under LOGIN_MAX_FAILURES: parallel logins count before their password is checked

class Refused extends Error {}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('overlapping transactions (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('should keep every session a login answered while other transactions roll back meanwhile', async () => {
    const users: TestUser[] = [];
    for (let i = 0; i < USERS; i++) users.push(await createUser(t));
    const db = t.app.get<Transactions>(TransactionHost);
    const written: string[] = [];
    let loggingIn = true;
    let rolledBack = 0;
    const unexpected: unknown[] = [];
    // Transactions that write, wait a moment and fail, one after another until the logins are done.
    const failing = async () => {
      while (loggingIn) {
        const email = newEmail();
        written.push(email);
        await db
          .withTransaction(async () => {
            await db.tx.getRepository(User).insert({ email, hashedPassword: 'x' });
            await new Promise((resolve) => setTimeout(resolve, 2));
            throw new Refused();
          })
          .catch((error: unknown) => {
            if (error instanceof Refused) rolledBack++;
            else unexpected.push(error);
          });
      }
    };
    const background = Promise.all([failing(), failing(), failing()]);

    const logins = users.flatMap((user) =>
      Array.from({ length: LOGINS_EACH }, () => login(t, user.email)),
    );
    const responses = await Promise.all(logins).finally(() => {
      loggingIn = false;
    });
    await background;

    const tokens = responses
      .filter((response) => response.statusCode === 200)
      .map((response) => response.json<Token>());
    const sessions = await t.sql<{ id: string }[]>('SELECT id FROM sessions');
    const sessionIds = new Set(sessions.map((row) => row.id));
    const refreshTokens = await t.sql<{ token_hash: string; session_id: string }[]>(
      'SELECT token_hash, session_id FROM refresh_tokens',
    );
    const sessionOf = new Map(refreshTokens.map((row) => [row.token_hash, row.session_id]));
    for (const token of tokens) {
      const sid = decodeJwt(token.access_token).payload.sid as string;
      expect(sessionIds.has(sid), `session ${sid}`).toBe(true);
      expect(sessionOf.get(sha256(token.refresh_token)), 'its refresh token').toBe(sid);
    }
    const stored = await t.sql<{ email: string }[]>('SELECT email FROM users');
    expect(stored.map((row) => row.email).filter((email) => written.includes(email))).toEqual([]);
    expect(responses.map((response) => response.statusCode)).toEqual(
      Array<number>(USERS * LOGINS_EACH).fill(200),
    );
    expect(unexpected).toEqual([]);
    expect(rolledBack).toBeGreaterThan(0);
  });
});
