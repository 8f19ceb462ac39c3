import type { InjectOptions } from 'fastify';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createTestDatabase } from './helpers/database.js';
import {
  expectFieldError,
  expectInvalidToken,
  expectMissingScope,
  expectProblem,
  USER_KEYS,
} from './helpers/expect.js';
import {
  bearer,
  createRecipe,
  createUser,
  login,
  newEmail,
  PASSWORD,
  type TestUser,
} from './helpers/factories.js';
import type { SessionRow, UserRow } from './helpers/rows.js';
import type { UserDto as UserBody } from '../src/users/dto/user.dto.js';
import { UsersService } from '../src/users/users.service.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const NEW_PASSWORD = 'a brand new kitchen passphrase';
const ADMIN_SCOPE_CHALLENGE = 'Bearer error="insufficient_scope", scope="users:admin"';

type RequestHeaders = Record<string, string>;
type Payload = InjectOptions['payload'];

/** The session id (`sid`) an access token names. */
function sessionOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
    sid: string;
  };
  return payload.sid;
}

function expectUserShape(body: unknown): asserts body is UserBody {
  expect(Object.keys(body as object).sort()).toEqual(USER_KEYS);
  expect(body).toEqual({
    id: expect.any(Number),
    email: expect.any(String),
    first_name: expect.toBeOneOf([expect.any(String), null]),
    surname: expect.toBeOneOf([expect.any(String), null]),
    is_superuser: expect.any(Boolean),
    is_active: expect.any(Boolean),
    email_verified: expect.any(Boolean),
    created_at: expect.stringMatching(ISO_UTC),
  });
}

async function userRow(t: TestApp, id: number): Promise<UserRow | undefined> {
  const rows: UserRow[] = await t.sql('SELECT * FROM users WHERE id = ?', [id]);
  return rows[0];
}

async function sessionRows(
  t: TestApp,
  userId: number,
): Promise<Pick<SessionRow, 'id' | 'revoked_at'>[]> {
  return t.sql('SELECT id, revoked_at FROM sessions WHERE user_id = ?', [userId]);
}

async function count(t: TestApp, sql: string, params: unknown[]): Promise<number> {
  const [row] = (await t.sql(sql, params)) as { n: number }[];
  return row!.n;
}

/** Checks that the user, their sessions and their recipes are gone from the database. */
async function expectGone(t: TestApp, id: number): Promise<void> {
  expect(await userRow(t, id)).toBeUndefined();
  expect(await count(t, 'SELECT count(*) AS n FROM sessions WHERE user_id = ?', [id])).toBe(0);
  expect(await count(t, 'SELECT count(*) AS n FROM recipes WHERE submitter_id = ?', [id])).toBe(0);
}

async function tokenFor(
  t: TestApp,
  email: string,
  password = PASSWORD,
  scope?: string,
): Promise<string> {
  const response = await login(t, email, password, scope);
  expect(response.statusCode).toBe(200);
  return response.json<{ access_token: string }>().access_token;
}

describe('users', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const getMe = (headers: RequestHeaders) =>
    t.request({ method: 'GET', url: '/api/v1/users/me', headers });
  const patchMe = (headers: RequestHeaders, payload: Payload) =>
    t.request({ method: 'PATCH', url: '/api/v1/users/me', headers, payload });
  /** PATCH /users/me with a JSON body sent as it is. */
  const patchMeRaw = (user: TestUser, json: string) =>
    patchMe({ ...user.auth, 'content-type': 'application/json' }, json);
  const patchUser = (headers: RequestHeaders, id: number | string, payload: Payload) =>
    t.request({ method: 'PATCH', url: `/api/v1/users/${id}`, headers, payload });
  const deleteUser = (headers: RequestHeaders, id: number | string) =>
    t.request({ method: 'DELETE', url: `/api/v1/users/${id}`, headers });

  describe('GET /users/me', () => {
    it('should answer the caller as a User with exactly the contract fields and no password or hash', async () => {
      const user = await createUser(t);

      const response = await getMe(user.auth);

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      const body = response.json<unknown>();
      expectUserShape(body);
      expect(body).toMatchObject({
        id: user.id,
        email: user.email,
        first_name: 'Test',
        surname: 'Cook',
        is_superuser: false,
        is_active: true,
        email_verified: false,
      });
      expect(response.body).not.toMatch(/password|hash|\$argon2/i);
    });

    it('should answer on the trailing-slash path too', async () => {
      const user = await createUser(t);

      const response = await t.request({
        method: 'GET',
        url: '/api/v1/users/me/',
        headers: user.auth,
      });

      expect(response.statusCode).toBe(200);
      expect(response.json<UserBody>().id).toBe(user.id);
    });

    it('should answer 401 with WWW-Authenticate: Bearer without a token', async () => {
      const response = await t.request({ method: 'GET', url: '/api/v1/users/me' });

      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    });

    it('should answer 401 invalid_token for a garbage token', async () => {
      const response = await getMe(bearer('not.a.jwt'));

      expectInvalidToken(response);
    });
  });

  describe('PATCH /users/me', () => {
    it('should change first_name and surname and store them', async () => {
      const user = await createUser(t);

      const response = await patchMe(user.auth, { first_name: 'Ada', surname: 'Lovelace' });

      expect(response.statusCode).toBe(200);
      const body = response.json<unknown>();
      expectUserShape(body);
      expect(body).toMatchObject({
        id: user.id,
        email: user.email,
        first_name: 'Ada',
        surname: 'Lovelace',
      });
      expect(await userRow(t, user.id)).toMatchObject({ first_name: 'Ada', surname: 'Lovelace' });
    });

    it('should change only the fields that are sent', async () => {
      const user = await createUser(t);

      const response = await patchMe(user.auth, { surname: 'Byron' });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ first_name: 'Test', surname: 'Byron' });
      expect(await userRow(t, user.id)).toMatchObject({ first_name: 'Test', surname: 'Byron' });
    });

    it('should never apply is_superuser, id, hashed_password, email or is_active from the body', async () => {
      const user = await createUser(t);
      const before = await userRow(t, user.id);

      const response = await patchMe(user.auth, {
        first_name: 'Mallory',
        is_superuser: true,
        id: 424242,
        hashed_password: 'x',
        hashedPassword: 'x',
        email: 'mallory@example.com',
        is_active: false,
        isSuperuser: true,
        email_verified: true,
      });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        id: user.id,
        email: user.email,
        first_name: 'Mallory',
        is_superuser: false,
        is_active: true,
        email_verified: false,
      });
      expect(await userRow(t, user.id)).toEqual({ ...before, first_name: 'Mallory' });
      expect(await userRow(t, 424242)).toBeUndefined();
      const me = await t.request({ method: 'GET', url: '/api/v1/users', headers: user.auth });
      expectMissingScope(me, 'users:admin');
    });

    it('should not let a __proto__ key in the body make the caller a superuser', async () => {
      const user = await createUser(t);

      const response = await patchMeRaw(
        user,
        '{"first_name":"Eve","__proto__":{"is_superuser":true,"is_active":false}}',
      );

      expectProblem(response, 400);
      expect(await userRow(t, user.id)).toMatchObject({
        first_name: 'Test',
        is_superuser: 0,
        is_active: 1,
      });
    });

    it('should answer 403 insufficient_scope when the token lacks the profile scope, and change nothing', async () => {
      const user = await createUser(t, { scope: 'recipes:write' });

      const response = await patchMe(user.auth, { first_name: 'Scopeless' });

      expectMissingScope(response, 'profile');
      expect(await userRow(t, user.id)).toMatchObject({ first_name: 'Test' });
    });

    it('should answer 400 with a first_name error for a first_name over 100 characters, and change nothing', async () => {
      const user = await createUser(t);

      const response = await patchMe(user.auth, { first_name: 'x'.repeat(101), surname: 'Kept' });

      expectFieldError(response, 'first_name', /100 characters/);
      expect(await userRow(t, user.id)).toMatchObject({ first_name: 'Test', surname: 'Cook' });
    });

    it('should accept a first_name of exactly 100 characters', async () => {
      const user = await createUser(t);

      const response = await patchMe(user.auth, { first_name: 'x'.repeat(100) });

      expect(response.statusCode).toBe(200);
      expect(await userRow(t, user.id)).toMatchObject({ first_name: 'x'.repeat(100) });
    });

    it.each([
      ['a number', { first_name: 123 }, 'first_name', /must be a string/],
      ['a boolean', { surname: true }, 'surname', /must be a string/],
      ['an object', { first_name: { $ne: null } }, 'first_name', /must be a string/],
      ['an array', { surname: ['a', 'b'] }, 'surname', /must be a string/],
      ['a NUL character', { first_name: 'A\u0000da' }, 'first_name', /NUL/],
    ])(
      'should answer 400 for %s in a name field, and change nothing',
      async (_what, payload, field, message) => {
        const user = await createUser(t);

        const response = await patchMe(user.auth, payload);

        expectFieldError(response, field, message);
        expect(await userRow(t, user.id)).toMatchObject({ first_name: 'Test', surname: 'Cook' });
      },
    );

    it('should answer 400 problem+json for malformed JSON', async () => {
      const user = await createUser(t);

      const response = await patchMeRaw(user, '{"first_name": "Ada",');

      expectProblem(response, 400);
      expect(await userRow(t, user.id)).toMatchObject({ first_name: 'Test' });
    });

    it('should answer 401 without a token', async () => {
      const response = await t.request({
        method: 'PATCH',
        url: '/api/v1/users/me',
        payload: { first_name: 'Anon' },
      });

      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    });
  });

  describe('POST /users/me/password', () => {
    const changePassword = (user: TestUser, payload: object, token = user.token) =>
      t.request({
        method: 'POST',
        url: '/api/v1/users/me/password',
        headers: bearer(token),
        payload,
      });

    it('should answer 400 for a wrong current_password and keep the password', async () => {
      const user = await createUser(t);
      const before = await userRow(t, user.id);

      const response = await changePassword(user, {
        current_password: 'not the password at all',
        new_password: NEW_PASSWORD,
      });

      expectFieldError(response, 'current_password', /not correct/);
      expect((await userRow(t, user.id))?.hashed_password).toBe(before?.hashed_password);
      expect((await login(t, user.email, PASSWORD)).statusCode).toBe(200);
      expect((await login(t, user.email, NEW_PASSWORD)).statusCode).toBe(400);
    });

    it.each([
      ['common', 'password123', /common/],
      ['common in another letter case', 'QwertyUiop', /common/],
      ['too short', 'Ab1!xyz', /8 to 128/],
      ['too long', 'x'.repeat(129), /8 to 128/],
      ['not a string', 12345678, /must be a string/],
    ])(
      'should answer 400 for a %s new_password and keep the password',
      async (_what, newPassword, message) => {
        const user = await createUser(t);
        const before = await userRow(t, user.id);

        const response = await changePassword(user, {
          current_password: PASSWORD,
          new_password: newPassword,
        });

        expectFieldError(response, 'new_password', message);
        expect((await userRow(t, user.id))?.hashed_password).toBe(before?.hashed_password);
        expect((await login(t, user.email, PASSWORD)).statusCode).toBe(200);
      },
    );

    it.each([
      ['the email address', (user: TestUser) => user.email],
      [
        'the local part in other letters',
        (user: TestUser) => `my ${user.email.split('@')[0]!.toUpperCase()} pass`,
      ],
      ['the first name', () => 'testing kitchen passphrase'],
      ['the surname', () => 'a cookbook full of recipes'],
    ])(
      'should answer 400 for a new_password holding %s and keep the password',
      async (_what, newPassword) => {
        const user = await createUser(t); // named Test Cook
        const before = await userRow(t, user.id);

        const response = await changePassword(user, {
          current_password: PASSWORD,
          new_password: newPassword(user),
        });

        expectFieldError(response, 'new_password', /contains your email address or name/);
        expect((await userRow(t, user.id))?.hashed_password).toBe(before?.hashed_password);
        expect((await login(t, user.email, PASSWORD)).statusCode).toBe(200);
      },
    );

    it('should answer 400 when current_password is missing', async () => {
      const user = await createUser(t);

      const response = await changePassword(user, { new_password: NEW_PASSWORD });

      expectFieldError(response, 'current_password', /must be a string/);
      expect((await login(t, user.email, PASSWORD)).statusCode).toBe(200);
    });

    it('should answer 204, refuse the old password and accept the new one at login', async () => {
      const user = await createUser(t);
      const before = await userRow(t, user.id);

      const response = await changePassword(user, {
        current_password: PASSWORD,
        new_password: NEW_PASSWORD,
      });

      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      const after = await userRow(t, user.id);
      expect(after?.hashed_password).not.toBe(before?.hashed_password);
      expect(after?.hashed_password).toMatch(/^\$argon2id\$/);
      const old = await login(t, user.email, PASSWORD);
      expect(old.statusCode).toBe(400);
      expect(old.json()).toMatchObject({ error: 'invalid_grant' });
      expect((await login(t, user.email, NEW_PASSWORD)).statusCode).toBe(200);
    });

    it('should keep the new password exactly as given, without trimming', async () => {
      const user = await createUser(t);
      const padded = `  ${NEW_PASSWORD}  `;

      const response = await changePassword(user, {
        current_password: PASSWORD,
        new_password: padded,
      });

      expect(response.statusCode).toBe(204);
      expect((await login(t, user.email, NEW_PASSWORD)).statusCode).toBe(400);
      expect((await login(t, user.email, padded)).statusCode).toBe(200);
    });

    it("should keep the caller's session and revoke every other session of the user at once", async () => {
      const user = await createUser(t);
      const second = await tokenFor(t, user.email);
      const third = await tokenFor(t, user.email);
      const other = await createUser(t);

      const response = await changePassword(user, {
        current_password: PASSWORD,
        new_password: NEW_PASSWORD,
      });

      expect(response.statusCode).toBe(204);
      const mine = await getMe(user.auth);
      expect(mine.statusCode).toBe(200);
      for (const token of [second, third]) {
        expectInvalidToken(await getMe(bearer(token)));
      }
      const sessions = await sessionRows(t, user.id);
      expect(sessions).toHaveLength(3);
      for (const session of sessions) {
        if (session.id === sessionOf(user.token)) expect(session.revoked_at).toBeNull();
        else expect(session.revoked_at).not.toBeNull();
      }
      expect((await sessionRows(t, other.id)).every((session) => session.revoked_at === null)).toBe(
        true,
      );
      const untouched = await getMe(other.auth);
      expect(untouched.statusCode).toBe(200);
    });

    it('should answer 403 insufficient_scope without the profile scope, and keep the password', async () => {
      const user = await createUser(t, { scope: 'recipes:write' });

      const response = await changePassword(user, {
        current_password: PASSWORD,
        new_password: NEW_PASSWORD,
      });

      expectMissingScope(response, 'profile');
      expect((await login(t, user.email, PASSWORD)).statusCode).toBe(200);
    });
  });

  describe('DELETE /users/me', () => {
    const deleteMe = (user: TestUser, payload?: object) =>
      t.request({
        method: 'DELETE',
        url: '/api/v1/users/me',
        headers: user.auth,
        ...(payload && { payload }),
      });

    it('should answer 400 for a wrong password and delete nothing', async () => {
      const user = await createUser(t);
      const recipe = await createRecipe(t, user);

      const response = await deleteMe(user, { password: 'not the password at all' });

      expectFieldError(response, 'password', /not correct/);
      expect(await userRow(t, user.id)).toBeDefined();
      expect(await count(t, 'SELECT count(*) AS n FROM recipes WHERE id = ?', [recipe.id])).toBe(1);
      expect(
        await count(
          t,
          'SELECT count(*) AS n FROM sessions WHERE user_id = ? AND revoked_at IS NULL',
          [user.id],
        ),
      ).toBe(1);
      expect((await getMe(user.auth)).statusCode).toBe(200);
    });

    it('should answer 400 without a password and delete nothing', async () => {
      const user = await createUser(t);

      const response = await deleteMe(user, {});

      expectFieldError(response, 'password', /must be a string/);
      expect(await userRow(t, user.id)).toBeDefined();
    });

    it('should answer 204 and remove the user, their sessions and their recipes, leaving others alone', async () => {
      const user = await createUser(t);
      await tokenFor(t, user.email); // a second session
      await createRecipe(t, user, 'Chicken Paprikash');
      await createRecipe(t, user, 'Cauliflower and Tofu Curry');
      const other = await createUser(t);
      const othersRecipe = await createRecipe(t, other, 'Chicken Vesuvio');

      const response = await deleteMe(user, { password: PASSWORD });

      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      await expectGone(t, user.id);
      expect(
        await t.sql('SELECT id, label, submitter_id FROM recipes WHERE id = ?', [othersRecipe.id]),
      ).toEqual([{ id: othersRecipe.id, label: 'Chicken Vesuvio', submitter_id: other.id }]);
      expectInvalidToken(await getMe(user.auth));
      expect((await login(t, user.email)).statusCode).toBe(400);
      expect((await getMe(other.auth)).statusCode).toBe(200);
    });

    it('should let the same email sign up again after the account is deleted', async () => {
      const user = await createUser(t);
      expect((await deleteMe(user, { password: PASSWORD })).statusCode).toBe(204);

      const again = await t.request({
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: { email: user.email, password: PASSWORD },
      });

      expect(again.statusCode).toBe(201);
      expect(again.json<UserBody>().id).not.toBe(user.id);
    });

    it('should answer 403 insufficient_scope without the profile scope, and delete nothing', async () => {
      const user = await createUser(t, { scope: 'recipes:write' });

      const response = await deleteMe(user, { password: PASSWORD });

      expectMissingScope(response, 'profile');
      expect(await userRow(t, user.id)).toBeDefined();
    });
  });

  describe('admin routes', () => {
    let admin: TestUser;
    let cook: TestUser;
    beforeAll(async () => {
      admin = await createUser(t, { superuser: true });
      cook = await createUser(t);
      // Enough rows for several pages; inserted directly because argon2 per row adds nothing here.
      for (let i = 0; i < 25; i++) {
        await t.sql('INSERT INTO users (email, hashed_password) VALUES (?, ?)', [
          `bulk-${i}-${newEmail()}`,
          'x',
        ]);
      }
    });

    const adminGet = (url: string, token = admin.token) =>
      t.request({ method: 'GET', url, headers: bearer(token) });

    describe('GET /users', () => {
      it('should answer a Page of Users, 20 by default', async () => {
        const response = await adminGet('/api/v1/users');

        expect(response.statusCode).toBe(200);
        const page = response.json<{ items: unknown[]; next_cursor: string | null }>();
        expect(Object.keys(page).sort()).toEqual(['items', 'next_cursor']);
        expect(page.items).toHaveLength(20);
        expect(page.next_cursor).toEqual(expect.any(String));
        for (const item of page.items) expectUserShape(item);
        expect(response.body).not.toMatch(/password|hash|\$argon2/i);
      });

      it('should walk every user exactly once with limit and cursor', async () => {
        const seen: number[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
          const response = await adminGet(`/api/v1/users?limit=7${query}`);
          expect(response.statusCode).toBe(200);
          const page = response.json<{ items: UserBody[]; next_cursor: string | null }>();
          expect(page.items.length).toBeLessThanOrEqual(7);
          seen.push(...page.items.map((user) => user.id));
          cursor = page.next_cursor;
          pages++;
        } while (cursor !== null && pages < 100);

        const ids = ((await t.sql('SELECT id FROM users ORDER BY id')) as { id: number }[]).map(
          (row) => row.id,
        );
        expect(ids.length).toBeGreaterThan(14);
        expect(seen).toEqual(ids);
        expect(pages).toBe(Math.ceil(ids.length / 7));
      });

      it('should answer on the trailing-slash path with limit=100', async () => {
        const response = await adminGet('/api/v1/users/?limit=100');

        expect(response.statusCode).toBe(200);
        const total = await count(t, 'SELECT count(*) AS n FROM users', []);
        expect(response.json<{ items: unknown[] }>().items).toHaveLength(Math.min(total, 100));
      });

      it('should find a user by exact email, case-insensitively', async () => {
        const response = await adminGet(
          `/api/v1/users?email=${encodeURIComponent(cook.email.toUpperCase())}`,
        );

        expect(response.statusCode).toBe(200);
        const page = response.json<{ items: UserBody[]; next_cursor: string | null }>();
        expect(page.items.map((user) => user.id)).toEqual([cook.id]);
        expect(page.next_cursor).toBeNull();
      });

      it.each([
        ['a part of an address', (email: string) => email.slice(0, 8)],
        ['a LIKE wildcard', (email: string) => `%${email.slice(4)}`],
        ['an unknown address', () => 'nobody@example.com'],
      ])('should find nobody for %s', async (_what, make) => {
        const response = await adminGet(
          `/api/v1/users?email=${encodeURIComponent(make(cook.email))}`,
        );

        expect(response.statusCode).toBe(200);
        expect(response.json()).toEqual({ items: [], next_cursor: null });
      });

      it.each([
        ['0', /less than 1/],
        ['101', /greater than 100/],
        ['-1', /less than 1/],
        ['abc', /integer/],
        ['1.5', /integer/],
      ])('should answer 400 for limit=%s', async (limit, message) => {
        const response = await adminGet(`/api/v1/users?limit=${limit}`);

        expectFieldError(response, 'limit', message);
      });

      it.each([
        ['garbage', 'not-a-cursor'],
        ['non-base64 characters', '!!!!'],
        ['a non-numeric payload', Buffer.from('abc').toString('base64url')],
        ['a negative id', Buffer.from('-1').toString('base64url')],
        ['a fractional id', Buffer.from('1.5').toString('base64url')],
        ['an exponent', Buffer.from('1e3').toString('base64url')],
        ['an over-long value', 'M'.repeat(65)],
        ['an id beyond any row (2^31)', Buffer.from('2147483648').toString('base64url')],
        ['a 16-digit id', Buffer.from('9999999999999999').toString('base64url')],
      ])('should answer 400 for a cursor with %s', async (_what, cursor) => {
        const response = await adminGet(`/api/v1/users?cursor=${encodeURIComponent(cursor)}`);

        expectFieldError(response, 'cursor');
      });

      it('should answer 400 for a repeated email parameter', async () => {
        const response = await adminGet('/api/v1/users?email=a@example.com&email=b@example.com');

        expectFieldError(response, 'email', /must be a string/);
      });
    });

    describe('GET /users/{id}', () => {
      it('should answer 200 with the User', async () => {
        const response = await adminGet(`/api/v1/users/${cook.id}`);

        expect(response.statusCode).toBe(200);
        const body = response.json<unknown>();
        expectUserShape(body);
        expect(body).toMatchObject({ id: cook.id, email: cook.email, is_superuser: false });
        expect(response.body).not.toMatch(/password|hash|\$argon2/i);
      });

      it('should answer 404 for an id nobody has', async () => {
        const response = await adminGet('/api/v1/users/999999');

        expectProblem(response, 404);
      });

      it.each(['abc', '-1', '1.5', '1e3', '0x10', '%20'])(
        'should answer 400 for the id %s',
        async (id) => {
          const response = await adminGet(`/api/v1/users/${id}`);

          expectFieldError(response, 'id');
        },
      );

      // docs/decisions.md: a whole number no stored id can have (0, > 2^31-1) is 404, not 400.
      it.each(['99999999999999999999', '9007199254740993', '2147483648', '0'])(
        'should answer 404 for the id %s',
        async (id) => {
          const response = await adminGet(`/api/v1/users/${id}`);

          const problem = expectProblem(response, 404);
          expect(problem.type).toBe('urn:recipe-api:problem:not-found');
        },
      );
    });

    describe('PATCH /users/{id}', () => {
      it('should set first_name, surname, is_superuser and is_active, and store them', async () => {
        const target = await createUser(t);

        const response = await patchUser(admin.auth, target.id, {
          first_name: 'Julia',
          surname: 'Child',
          is_superuser: true,
        });

        expect(response.statusCode).toBe(200);
        const body = response.json<unknown>();
        expectUserShape(body);
        expect(body).toMatchObject({
          id: target.id,
          first_name: 'Julia',
          surname: 'Child',
          is_superuser: true,
          is_active: true,
        });
        expect(await userRow(t, target.id)).toMatchObject({
          first_name: 'Julia',
          surname: 'Child',
          is_superuser: 1,
          is_active: 1,
        });
        const token = await login(t, target.email);
        expect(token.json<{ scope: string }>().scope.split(' ')).toContain('users:admin');
      });

      it('should never apply id, email, hashed_password or email_verified from the body', async () => {
        const target = await createUser(t);
        const before = await userRow(t, target.id);

        const response = await patchUser(admin.auth, target.id, {
          surname: 'Pepin',
          id: 777777,
          email: 'taken-over@example.com',
          hashed_password: 'x',
          email_verified: true,
        });

        expect(response.statusCode).toBe(200);
        expect(await userRow(t, target.id)).toEqual({ ...before, surname: 'Pepin' });
        expect(await userRow(t, 777777)).toBeUndefined();
      });

      it.each([
        ['a string is_active', { is_active: 'false' }, 'is_active', /boolean/],
        ['a numeric is_superuser', { is_superuser: 1 }, 'is_superuser', /boolean/],
        ['a null is_superuser', { is_superuser: null }, 'is_superuser', /boolean/],
        ['a null is_active', { is_active: null }, 'is_active', /boolean/],
        ['a numeric surname', { surname: 42 }, 'surname', /must be a string/],
        ['an over-long surname', { surname: 's'.repeat(101) }, 'surname', /100 characters/],
      ])('should answer 400 for %s and change nothing', async (_what, payload, field, message) => {
        const target = await createUser(t);
        const before = await userRow(t, target.id);

        const response = await patchUser(admin.auth, target.id, payload);

        expectFieldError(response, field, message);
        expect(await userRow(t, target.id)).toEqual(before);
      });

      it('should answer 404 for an id nobody has and 400 for a non-numeric id', async () => {
        const missing = await patchUser(admin.auth, 999999, { first_name: 'Ghost' });
        const bad = await patchUser(admin.auth, 'abc', {});

        expectProblem(missing, 404);
        expectFieldError(bad, 'id');
        expect(
          await count(t, "SELECT count(*) AS n FROM users WHERE first_name = 'Ghost'", []),
        ).toBe(0);
      });

      it('should end every session of a deactivated user at once and refuse their login', async () => {
        const target = await createUser(t);
        const second = await tokenFor(t, target.email);

        const response = await patchUser(admin.auth, target.id, { is_active: false });

        expect(response.statusCode).toBe(200);
        expect(response.json()).toMatchObject({ id: target.id, is_active: false });
        expect(await userRow(t, target.id)).toMatchObject({ is_active: 0 });
        for (const token of [target.token, second]) {
          expectInvalidToken(await getMe(bearer(token)));
        }
        const sessions = await sessionRows(t, target.id);
        expect(sessions).toHaveLength(2);
        expect(sessions.every((session) => session.revoked_at !== null)).toBe(true);
        const denied = await login(t, target.email);
        expect(denied.statusCode).toBe(400);
        expect(denied.json()).toMatchObject({ error: 'invalid_grant' });
      });

      it('should let a reactivated user log in again', async () => {
        const target = await createUser(t);
        const patch = (isActive: boolean) =>
          patchUser(admin.auth, target.id, { is_active: isActive });
        expect((await patch(false)).statusCode).toBe(200);

        const response = await patch(true);

        expect(response.statusCode).toBe(200);
        expect(await userRow(t, target.id)).toMatchObject({ is_active: 1 });
        expect((await login(t, target.email)).statusCode).toBe(200);
        expectInvalidToken(await getMe(target.auth));
      });

      it('should take users:admin from a demoted superuser at once, even with their old token', async () => {
        const other = await createUser(t, { superuser: true });
        expect((await adminGet('/api/v1/users', other.token)).statusCode).toBe(200);

        const response = await patchUser(admin.auth, other.id, { is_superuser: false });

        expect(response.statusCode).toBe(200);
        expect(await userRow(t, other.id)).toMatchObject({ is_superuser: 0 });
        expectMissingScope(await adminGet('/api/v1/users', other.token), 'users:admin');
        expectMissingScope(
          await patchUser(other.auth, other.id, { is_superuser: true }),
          'users:admin',
        );
        expect(await userRow(t, other.id)).toMatchObject({ is_superuser: 0 });
        const relogin = await login(t, other.email);
        expect(relogin.json<{ scope: string }>().scope.split(' ')).not.toContain('users:admin');
      });
    });

    describe('DELETE /users/{id}', () => {
      it('should answer 204, then 404, and remove the user with their sessions and recipes', async () => {
        const target = await createUser(t);
        await createRecipe(t, target);

        const response = await deleteUser(admin.auth, target.id);

        expect(response.statusCode).toBe(204);
        expect(response.body).toBe('');
        await expectGone(t, target.id);
        expectProblem(await adminGet(`/api/v1/users/${target.id}`), 404);
        expectProblem(await deleteUser(admin.auth, target.id), 404);
        expectInvalidToken(await getMe(target.auth));
      });

      it('should answer 400 for a non-numeric id', async () => {
        const response = await deleteUser(admin.auth, 'abc');

        expectFieldError(response, 'id');
      });
    });

    describe('without users:admin', () => {
      const routes = (id: number) => [
        { method: 'GET' as const, url: '/api/v1/users' },
        { method: 'GET' as const, url: '/api/v1/users/' },
        { method: 'GET' as const, url: `/api/v1/users/${id}` },
        {
          method: 'PATCH' as const,
          url: `/api/v1/users/${id}`,
          payload: { is_superuser: true, is_active: false },
        },
        { method: 'DELETE' as const, url: `/api/v1/users/${id}` },
      ];

      it('should answer 403 insufficient_scope to a normal user on every admin route, and change nothing', async () => {
        const target = await createUser(t);
        const before = await userRow(t, target.id);

        for (const route of [...routes(target.id), ...routes(cook.id)]) {
          const response = await t.request({ ...route, headers: cook.auth });
          expectMissingScope(response, 'users:admin');
          expect(response.headers['www-authenticate']).toContain(ADMIN_SCOPE_CHALLENGE);
        }

        expect(await userRow(t, target.id)).toEqual(before);
        expect(await userRow(t, cook.id)).toMatchObject({ is_superuser: 0, is_active: 1 });
      });

      it('should answer 403 to a superuser whose token was narrowed to other scopes', async () => {
        const narrowed = await tokenFor(t, admin.email, PASSWORD, 'profile recipes:write');

        for (const route of routes(cook.id)) {
          expectMissingScope(
            await t.request({ ...route, headers: bearer(narrowed) }),
            'users:admin',
          );
        }
        expect(await userRow(t, cook.id)).toMatchObject({ is_active: 1 });
      });

      it('should answer 401 with WWW-Authenticate: Bearer without a token', async () => {
        for (const route of routes(cook.id)) {
          const response = await t.request(route);
          expectProblem(response, 401);
          expect(response.headers['www-authenticate']).toBe('Bearer');
        }
        expect(await userRow(t, cook.id)).toMatchObject({ is_active: 1 });
      });

      it('should refuse a login that asks a normal user for users:admin', async () => {
        const response = await login(t, cook.email, PASSWORD, 'users:admin');

        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ error: 'invalid_scope' });
      });
    });
  });
  describe('a profile update racing other changes', () => {
    // PATCH /users/me works on the user the JWT strategy loaded; whatever changed in between stays.
    it('should not write back is_superuser, is_active or the password hash from a stale load', async () => {
      const admin = await createUser(t, { superuser: true });
      const user = await createUser(t, { superuser: true });
      const loadedByStrategy = await t.app.get(UsersService).get(user.id);
      const demote = await patchUser(admin.auth, user.id, {
        is_superuser: false,
        is_active: false,
      });
      expect(demote.statusCode).toBe(200);
      await t.sql('UPDATE users SET hashed_password = ? WHERE id = ?', [
        '$argon2id$changed',
        user.id,
      ]);

      const updated = await t.app
        .get(UsersService)
        .update(loadedByStrategy, { first_name: 'Late' });

      expect(await userRow(t, user.id)).toMatchObject({
        first_name: 'Late',
        is_superuser: 0,
        is_active: 0,
        hashed_password: '$argon2id$changed',
      });
      expect(updated).toMatchObject({ firstName: 'Late', isSuperuser: false, isActive: false });
    });
  });
});

describe('FIRST_SUPERUSER', () => {
  const FIRST = 'Head.Chef@Example.com';
  const FIRST_PASSWORD = 'first superuser passphrase';

  beforeEach(() => {
    vi.stubEnv('FIRST_SUPERUSER', FIRST);
    vi.stubEnv('FIRST_SUPERUSER_PASSWORD', FIRST_PASSWORD);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('should create a superuser at start who logs in with users:admin', async () => {
    const t = await createTestApp();
    try {
      const rows: UserRow[] = await t.sql('SELECT * FROM users WHERE email = ?', [
        FIRST.toLowerCase(),
      ]);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ is_superuser: 1, is_active: 1 });
      expect(rows[0]!.hashed_password).toMatch(/^\$argon2id\$/);

      const response = await login(t, FIRST, FIRST_PASSWORD);

      expect(response.statusCode).toBe(200);
      const token = response.json<{ access_token: string; scope: string }>();
      expect(token.scope.split(' ')).toEqual(
        expect.arrayContaining(['profile', 'recipes:write', 'users:admin']),
      );
      const list = await t.request({
        method: 'GET',
        url: '/api/v1/users',
        headers: bearer(token.access_token),
      });
      expect(list.statusCode).toBe(200);
      expect(list.json<{ items: UserBody[] }>().items).toEqual([
        expect.objectContaining({
          id: rows[0]!.id,
          email: FIRST.toLowerCase(),
          is_superuser: true,
        }),
      ]);
    } finally {
      await t.close();
    }
  });

  it.each([
    ['a common', 'password123'],
    ['a common (other letter case)', 'Password123'],
    ['a too long', 'x'.repeat(129)],
    ['the address as the', 'Head.Chef@Example.com'],
    ["the address's local part in the", 'the head.chef kitchen'],
  ])(
    'should refuse to start with %s FIRST_SUPERUSER_PASSWORD, naming the variable',
    async (_what, password) => {
      vi.stubEnv('FIRST_SUPERUSER_PASSWORD', password);

      await expect(createTestApp()).rejects.toThrow(/FIRST_SUPERUSER_PASSWORD/);
    },
  );

  it('should boot twice on the same database without failing or duplicating the superuser', async () => {
    const database = await createTestDatabase({ file: true });
    const env = { DATABASE_URL: database.url };
    try {
      const first = await createTestApp(env);
      await first.close();
      vi.stubEnv('FIRST_SUPERUSER_PASSWORD', 'a different passphrase now');

      const second = await createTestApp(env);
      try {
        const rows: UserRow[] = await second.sql('SELECT * FROM users WHERE lower(email) = ?', [
          FIRST.toLowerCase(),
        ]);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ is_superuser: 1 });
        // An existing account is never changed by the start-up: its password stays the first one.
        expect((await login(second, FIRST, FIRST_PASSWORD)).statusCode).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
    }
  });
});
