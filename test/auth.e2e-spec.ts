import { hash, parseOptions, type Algorithm } from '@node-rs/argon2';
import type { LightMyRequestResponse } from 'fastify';
import type { TokenDto } from '../src/auth/dto/token.dto.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import {
  expectInvalidToken,
  expectMissingScope,
  expectOAuthError,
  expectProblem,
  USER_KEYS,
} from './helpers/expect.js';
import {
  bearer,
  createUser,
  login,
  newEmail,
  PASSWORD,
  type TestUser,
} from './helpers/factories.js';
import { decodeJwt } from './helpers/jwt.js';
import type { SessionRow, UserRow } from './helpers/rows.js';

const SIGNUP = '/api/v1/auth/signup';
const LOGIN = '/api/v1/auth/login';
const LOGOUT = '/api/v1/auth/logout';
const ME = '/api/v1/auth/me';
const URLENCODED = 'application/x-www-form-urlencoded';

const ARGON2ID = 2 as Algorithm.Argon2id;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('auth (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const signup = (payload: Record<string, unknown>) =>
    t.request({ method: 'POST', url: SIGNUP, payload });

  async function usersWithEmail(email: string): Promise<UserRow[]> {
    return t.sql<UserRow[]>('SELECT * FROM users WHERE lower(email) = lower(?)', [email]);
  }

  async function userRow(id: number): Promise<UserRow> {
    const [row] = await t.sql<UserRow[]>('SELECT * FROM users WHERE id = ?', [id]);
    if (!row) throw new Error(`no user ${id}`);
    return row;
  }

  async function sessionRows(userId: number): Promise<SessionRow[]> {
    return t.sql<SessionRow[]>(
      'SELECT id, user_id, expires_at, revoked_at FROM sessions WHERE user_id = ?',
      [userId],
    );
  }

  function expectToken(response: LightMyRequestResponse, scope: string): TokenDto {
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    const token = response.json<TokenDto>();
    expect(token).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 1800,
      refresh_token: expect.stringMatching(/^[\w-]{43}$/),
      scope,
    });
    return token;
  }

  describe('POST /auth/signup', () => {
    it('should create the account and answer the User, lower-casing the email and showing no password', async () => {
      const email = newEmail();
      const response = await signup({
        email: email.toUpperCase(),
        password: PASSWORD,
        first_name: 'Ada',
        surname: 'Lovelace',
      });

      expect(response.statusCode).toBe(201);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      const body = response.json<Record<string, unknown>>();
      expect(Object.keys(body).sort()).toEqual(USER_KEYS);
      expect(body).toEqual({
        id: expect.any(Number),
        email,
        first_name: 'Ada',
        surname: 'Lovelace',
        is_superuser: false,
        is_active: true,
        email_verified: false,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      });
      expect(response.body).not.toContain(PASSWORD);
      expect(response.body).not.toContain('argon2');

      const row = await userRow(body.id as number);
      expect(row.email).toBe(email);
      expect(row.hashed_password).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    });

    it('should answer 409 email-taken for an email already used in another letter case', async () => {
      const email = newEmail();
      expect((await signup({ email, password: PASSWORD })).statusCode).toBe(201);

      const response = await signup({
        email: email.replace('cook', 'COOK').replace('example', 'Example'),
        password: PASSWORD,
      });

      expectProblem(response, 409, 'email-taken');
      expect(response.json()).toMatchObject({ title: 'Conflict', instance: SIGNUP });
      await expect(usersWithEmail(email)).resolves.toHaveLength(1);
    });

    it.each([
      ['an invalid email', { email: 'not-an-email', password: PASSWORD }, 'email'],
      ['a missing email', { email: undefined, password: PASSWORD }, 'email'],
      ['an email that is not a string', { email: 42, password: PASSWORD }, 'email'],
      ['a 7-character password', { password: 'kq8#Zr2' }, 'password'],
      ['a 129-character password', { password: 'kq8#Zr2!'.repeat(16) + 'x' }, 'password'],
      ['the common password "password123"', { password: 'password123' }, 'password'],
      ['the common password "12345678"', { password: '12345678' }, 'password'],
      ['a missing password', {}, 'password'],
      ['a password that is not a string', { password: 123456789 }, 'password'],
    ])('should answer 400 with errors[] for %s and create nothing', async (_case, body, field) => {
      const email = newEmail();
      const response = await signup({ email, ...body });

      expectProblem(response, 400, 'validation-failed');
      const { errors } = response.json<{ errors: { field: string; message: string }[] }>();
      expect(errors).toEqual(expect.arrayContaining([{ field, message: expect.any(String) }]));
      expect(
        errors.every((e) => typeof e.field === 'string' && typeof e.message === 'string'),
      ).toBe(true);
      await expect(usersWithEmail(email)).resolves.toHaveLength(0);
    });

    it('should accept passwords of exactly 8 and exactly 128 characters, kept as given', async () => {
      for (const password of ['kq8#Zr2!', 'kq8#Zr2!'.repeat(16), '  spaced out pass  ']) {
        const email = newEmail();
        expect((await signup({ email, password })).statusCode).toBe(201);
        expectToken(await login(t, email, password), 'profile recipes:write');
      }
    });

    it('should ignore is_superuser, id, hashed_password, is_active and email_verified in the body', async () => {
      const email = newEmail();
      const forgedHash = await hash('attacker-chosen password', { algorithm: ARGON2ID });
      const response = await signup({
        email,
        password: PASSWORD,
        is_superuser: true,
        id: 999,
        hashed_password: forgedHash,
        is_active: false,
        email_verified: true,
      });

      expect(response.statusCode).toBe(201);
      const body = response.json<{ id: number }>();
      expect(body).toMatchObject({ is_superuser: false, is_active: true, email_verified: false });
      expect(body.id).not.toBe(999);
      await expect(t.sql('SELECT id FROM users WHERE id = 999')).resolves.toEqual([]);
      const row = await userRow(body.id);
      expect(row).toMatchObject({ is_superuser: 0, is_active: 1, email_verified: 0 });
      expect(row.hashed_password).not.toBe(forgedHash);
      expectToken(await login(t, email, PASSWORD), 'profile recipes:write');
      expectOAuthError(await login(t, email, 'attacker-chosen password'), 'invalid_grant');
    });

    it("should accept and ignore the tutorial front end's extra keys full_name and is_active", async () => {
      const email = newEmail();
      const response = await signup({
        email,
        password: PASSWORD,
        full_name: 'Ada Lovelace',
        is_active: true,
      });

      expect(response.statusCode).toBe(201);
      expect(response.json()).not.toHaveProperty('full_name');
      const [row] = await usersWithEmail(email);
      expect(row).toMatchObject({ first_name: null, surname: null, is_active: 1 });
    });

    it('should answer 400 problem+json for malformed JSON', async () => {
      const response = await t.request({
        method: 'POST',
        url: SIGNUP,
        headers: { 'content-type': 'application/json' },
        payload: '{"email": "a@example.com", "password": ',
      });

      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ status: 400, detail: expect.any(String) });
    });
  });

  describe('POST /auth/login', () => {
    let user: TestUser;
    beforeAll(async () => {
      user = await createUser(t);
    });

    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    function multipart(fields: Record<string, string>): FormData {
      const data = new FormData();
      for (const [key, value] of Object.entries(fields)) data.append(key, value);
      return data;
    }

    /** POST /auth/login with a body sent as it is, under the given content type. */
    const postLogin = (contentType: string, payload: string) =>
      t.request({ method: 'POST', url: LOGIN, headers: { 'content-type': contentType }, payload });

    /** Gives `cook` a hash of PASSWORD made with weaker argon2 parameters, and answers it. */
    async function storeWeakHash(cook: TestUser): Promise<string> {
      const weakHash = await hash(PASSWORD, {
        memoryCost: 8192,
        timeCost: 1,
        parallelism: 1,
        algorithm: ARGON2ID,
      });
      await t.sql('UPDATE users SET hashed_password = ? WHERE id = ?', [weakHash, cook.id]);
      return weakHash;
    }

    it.each([
      ['JSON', (f: Record<string, string>) => ({ payload: f })],
      [
        'an urlencoded form (Swagger UI)',
        (f: Record<string, string>) => ({
          headers: { 'content-type': URLENCODED },
          payload: form(f),
        }),
      ],
      [
        'a multipart form (the tutorial SPA)',
        (f: Record<string, string>) => ({ payload: multipart(f) }),
      ],
    ])(
      'should issue a Token with Cache-Control: no-store and start a session for %s',
      async (_kind, body) => {
        const before = await sessionRows(user.id);
        const response = await t.request({
          method: 'POST',
          url: LOGIN,
          ...body({ grant_type: 'password', username: user.email, password: PASSWORD }),
        });

        const token = expectToken(response, 'profile recipes:write');
        const { sid } = decodeJwt(token.access_token).payload;
        const after = await sessionRows(user.id);
        expect(after).toHaveLength(before.length + 1);
        expect(after.find((s) => s.id === sid)).toMatchObject({
          user_id: user.id,
          revoked_at: null,
        });
        const me = await t.request({
          method: 'GET',
          url: ME,
          headers: bearer(token.access_token),
        });
        expect(me.statusCode).toBe(200);
      },
    );

    it('should work at the trailing-slash URL and ignore a client_id sent by Swagger UI', async () => {
      const response = await t.request({
        method: 'POST',
        url: `${LOGIN}/`,
        headers: { 'content-type': URLENCODED },
        payload: form({
          grant_type: 'password',
          username: user.email,
          password: PASSWORD,
          scope: '',
          client_id: 'swagger',
        }),
      });

      expectToken(response, 'profile recipes:write');
    });

    it("should sign an HS256 at+jwt access token with the contract's claims, naming a live session", async () => {
      const token = expectToken(await login(t, user.email), 'profile recipes:write');
      const { header, payload } = decodeJwt(token.access_token);

      expect(header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
      expect(Object.keys(payload).sort()).toEqual([
        'amr',
        'aud',
        'auth_time',
        'exp',
        'iat',
        'iss',
        'jti',
        'scope',
        'sid',
        'sub',
        'type',
      ]);
      expect(payload).toMatchObject({
        sub: String(user.id),
        type: 'access_token',
        sid: expect.stringMatching(UUID),
        scope: 'profile recipes:write',
        jti: expect.stringMatching(UUID),
        iss: 'recipe-api',
        aud: 'recipe-api',
        amr: ['pwd'],
      });
      expect(payload.exp).toBe((payload.iat as number) + 1800);
      expect(payload.auth_time).toBeLessThanOrEqual(payload.iat as number);

      const [session] = await t.sql<SessionRow[]>(
        'SELECT id, user_id, expires_at, revoked_at FROM sessions WHERE id = ?',
        [payload.sid],
      );
      expect(session).toMatchObject({ user_id: user.id, revoked_at: null });
      expect(new Date(`${session!.expires_at.replace(' ', 'T')}Z`).getTime()).toBeGreaterThan(
        Date.now(),
      );

      const again = decodeJwt(
        expectToken(await login(t, user.email), 'profile recipes:write').access_token,
      ).payload;
      expect(again.sid).not.toBe(payload.sid);
      expect(again.jti).not.toBe(payload.jti);
    });

    it('should find the account whatever the letter case of the email', async () => {
      expectToken(await login(t, user.email.toUpperCase()), 'profile recipes:write');
    });

    it('should answer the identical invalid_grant for a wrong password, an unknown email and a deactivated account', async () => {
      const inactive = await createUser(t);
      await t.sql('UPDATE users SET is_active = false WHERE id = ?', [inactive.id]);
      const sessionsBefore =
        (await sessionRows(user.id)).length + (await sessionRows(inactive.id)).length;

      const responses = [
        await login(t, user.email, 'not the right password'),
        await login(t, newEmail(), PASSWORD),
        await login(t, inactive.email, PASSWORD),
      ];

      for (const response of responses) expectOAuthError(response, 'invalid_grant');
      const bodies = responses.map((r) => r.body);
      expect(new Set(bodies).size).toBe(1);
      expect(responses[0]!.json()).toEqual({
        error: 'invalid_grant',
        error_description: 'Incorrect email or password.',
      });
      const sessionsAfter =
        (await sessionRows(user.id)).length + (await sessionRows(inactive.id)).length;
      expect(sessionsAfter).toBe(sessionsBefore);
    });

    it.each([
      ['a trailing space', `${PASSWORD} `],
      ['a leading space', ` ${PASSWORD}`],
      ['other letter case', PASSWORD.toUpperCase()],
      ['a prefix', PASSWORD.slice(0, -1)],
    ])('should compare the password exactly: %s is invalid_grant', async (_case, password) => {
      expectOAuthError(await login(t, user.email, password), 'invalid_grant');
    });

    it.each([
      ['no username', { password: PASSWORD }],
      ['no password', { username: 'someone@example.com' }],
      ['an empty password', { username: 'someone@example.com', password: '' }],
      ['an empty body', {}],
      ['a username that is not a string', { username: ['a@example.com'], password: PASSWORD }],
      [
        'a NUL character in the password',
        { username: 'someone@example.com', password: `${PASSWORD}\u0000` },
      ],
    ])('should answer invalid_request for %s', async (_case, payload) => {
      expectOAuthError(await t.request({ method: 'POST', url: LOGIN, payload }), 'invalid_request');
    });

    it('should not take credentials from the query string (RFC 6749 §3.2)', async () => {
      const query = new URLSearchParams({ username: user.email, password: PASSWORD }).toString();

      const response = await t.request({ method: 'POST', url: `${LOGIN}?${query}` });

      expectOAuthError(response, 'invalid_request');
    });

    it('should answer invalid_request when grant_type is sent twice (RFC 6749 §3.1)', async () => {
      const response = await postLogin(
        URLENCODED,
        `grant_type=password&grant_type=password&${form({ username: user.email, password: PASSWORD })}`,
      );

      expectOAuthError(response, 'invalid_request');
    });

    it.each([
      ['without a boundary', 'multipart/form-data', 'garbage'],
      [
        'that ends early',
        'multipart/form-data; boundary=XyZ',
        '--XyZ\r\nContent-Disposition: form-data; name="username"\r\n\r\nab',
      ],
    ])(
      'should answer invalid_request, not 500, for a malformed multipart body %s',
      async (_case, type, payload) => {
        const response = await postLogin(type, payload);

        expectOAuthError(response, 'invalid_request');
      },
    );

    it('should answer invalid_request for malformed JSON', async () => {
      const response = await postLogin('application/json', '{"username": ');

      expectOAuthError(response, 'invalid_request');
    });

    it('should answer unsupported_grant_type for grant_type=client_credentials, with or without a password', async () => {
      const withPassword = await postLogin(
        URLENCODED,
        form({ grant_type: 'client_credentials', username: user.email, password: PASSWORD }),
      );
      const clientOnly = await postLogin(
        URLENCODED,
        form({ grant_type: 'client_credentials', client_id: 'app', client_secret: 'secret' }),
      );

      expectOAuthError(withPassword, 'unsupported_grant_type');
      expectOAuthError(clientOnly, 'unsupported_grant_type');
    });

    it('should answer invalid_scope for a scope the API does not know', async () => {
      expectOAuthError(await login(t, user.email, PASSWORD, 'recipes:read'), 'invalid_scope');
      expectOAuthError(await login(t, user.email, PASSWORD, 'profile admin'), 'invalid_scope');
    });

    it('should narrow the token to scope=profile', async () => {
      const token = expectToken(await login(t, user.email, PASSWORD, 'profile'), 'profile');
      expect(decodeJwt(token.access_token).payload.scope).toBe('profile');
    });

    it('should leave users:admin out for a normal user who asks for it', async () => {
      const token = expectToken(
        await login(t, user.email, PASSWORD, 'users:admin recipes:write'),
        'recipes:write',
      );
      expect(decodeJwt(token.access_token).payload.scope).toBe('recipes:write');
      expectOAuthError(await login(t, user.email, PASSWORD, 'users:admin'), 'invalid_scope');
    });

    it('should give a superuser all three scopes by default', async () => {
      const admin = await createUser(t, { superuser: true });
      const token = expectToken(await login(t, admin.email), 'profile recipes:write users:admin');
      expect(decodeJwt(token.access_token).payload.scope).toBe('profile recipes:write users:admin');
    });

    it('should upgrade a hash made with weaker argon2 parameters at the next login', async () => {
      const weak = await createUser(t);
      const weakHash = await storeWeakHash(weak);

      expectToken(await login(t, weak.email), 'profile recipes:write');

      const upgraded = (await userRow(weak.id)).hashed_password;
      expect(upgraded).not.toBe(weakHash);
      expect(parseOptions(upgraded)).toMatchObject({
        algorithm: ARGON2ID,
        memoryCost: 19456,
        timeCost: 2,
        parallelism: 1,
      });
      expectToken(await login(t, weak.email), 'profile recipes:write');
    });

    it('should not re-hash a weak hash when the password is wrong, nor a current hash at all', async () => {
      const weak = await createUser(t);
      const weakHash = await storeWeakHash(weak);
      const current = (await userRow(user.id)).hashed_password;

      expectOAuthError(await login(t, weak.email, 'not the right password'), 'invalid_grant');
      expectToken(await login(t, user.email), 'profile recipes:write');

      expect((await userRow(weak.id)).hashed_password).toBe(weakHash);
      expect((await userRow(user.id)).hashed_password).toBe(current);
    });
  });

  describe('POST /auth/logout', () => {
    it('should end only this session: 204, its token refused at once, the other session still working', async () => {
      const user = await createUser(t);
      const other = expectToken(await login(t, user.email), 'profile recipes:write');
      const { sid } = decodeJwt(user.token).payload;
      const otherSid = decodeJwt(other.access_token).payload.sid;

      const response = await t.request({ method: 'POST', url: LOGOUT, headers: user.auth });

      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      const [row] = await t.sql<SessionRow[]>('SELECT revoked_at FROM sessions WHERE id = ?', [
        sid,
      ]);
      expect(row?.revoked_at).toEqual(expect.any(String));
      const [otherRow] = await t.sql<SessionRow[]>('SELECT revoked_at FROM sessions WHERE id = ?', [
        otherSid,
      ]);
      expect(otherRow?.revoked_at).toBeNull();

      const me = await t.request({ method: 'GET', url: ME, headers: user.auth });
      expectInvalidToken(me);
      const again = await t.request({ method: 'POST', url: LOGOUT, headers: user.auth });
      expectInvalidToken(again);

      const stillIn = await t.request({
        method: 'GET',
        url: ME,
        headers: bearer(other.access_token),
      });
      expect(stillIn.statusCode).toBe(200);
      expect(stillIn.json()).toMatchObject({ id: user.id });
    });

    it('should answer 401 with WWW-Authenticate: Bearer without a token', async () => {
      const response = await t.request({ method: 'POST', url: LOGOUT });

      expectProblem(response, 401, 'unauthenticated');
      expect(response.headers['www-authenticate']).toBe('Bearer');
    });
  });

  describe('GET /auth/me', () => {
    it('should answer the signed-in User, also at the trailing-slash URL', async () => {
      const email = newEmail();
      const created = await signup({ email, password: PASSWORD, first_name: 'Ada' });
      const token = expectToken(await login(t, email), 'profile recipes:write');
      const auth = bearer(token.access_token);

      for (const url of [ME, `${ME}/`]) {
        const response = await t.request({ method: 'GET', url, headers: auth });
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(response.json()).toEqual({
          ...created.json<object>(),
          factors: [],
          recovery_codes_remaining: 0,
        });
      }
    });

    it('should answer 401 problem+json with WWW-Authenticate: Bearer without a token', async () => {
      const response = await t.request({ method: 'GET', url: ME });

      expectProblem(response, 401, 'unauthenticated');
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.json()).toMatchObject({ title: 'Unauthorized', instance: ME });
    });
  });

  describe('scope enforcement', () => {
    const postRecipe = (user: TestUser, label: string) =>
      t.request({ method: 'POST', url: '/api/v1/recipes', headers: user.auth, payload: { label } });

    it('should refuse POST /recipes with a profile-only token: 403 insufficient_scope, nothing stored', async () => {
      const user = await createUser(t, { scope: 'profile' });

      const response = await postRecipe(user, 'Chicken Vesuvio');

      expectMissingScope(response, 'recipes:write');
      await expect(
        t.sql('SELECT id FROM recipes WHERE submitter_id = ?', [user.id]),
      ).resolves.toEqual([]);
      expect((await t.request({ method: 'GET', url: ME, headers: user.auth })).statusCode).toBe(
        200,
      );
    });

    it('should send an RFC 6750 WWW-Authenticate: no double quote inside error_description', async () => {
      const user = await createUser(t, { scope: 'profile' });

      const response = await postRecipe(user, 'Soup');

      expect(response.statusCode).toBe(403);
      // RFC 6750 §3: error_description is a quoted-string without '"' or '\\'.
      expect(response.headers['www-authenticate']).toMatch(
        /^Bearer error="insufficient_scope", scope="recipes:write", error_description="[^"\\]+"$/,
      );
    });

    it('should refuse PATCH /users/me with a recipes:write-only token', async () => {
      const user = await createUser(t, { scope: 'recipes:write' });

      const response = await t.request({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: user.auth,
        payload: { first_name: 'Eve' },
      });

      expectMissingScope(response, 'profile');
      expect((await userRow(user.id)).first_name).toBe('Test');
    });

    it('should refuse users:admin routes to a normal user and to a superuser demoted after login', async () => {
      const user = await createUser(t);
      const admin = await createUser(t, { superuser: true });
      expect(
        (await t.request({ method: 'GET', url: '/api/v1/users', headers: admin.auth })).statusCode,
      ).toBe(200);

      await t.sql('UPDATE users SET is_superuser = false WHERE id = ?', [admin.id]);

      for (const caller of [user, admin]) {
        const response = await t.request({
          method: 'GET',
          url: '/api/v1/users',
          headers: caller.auth,
        });
        expectMissingScope(response, 'users:admin');
      }
    });
  });
});
