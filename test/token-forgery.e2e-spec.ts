import { randomBytes, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from './helpers/app.js';
import { minutesAgo } from './helpers/database.js';
import { INVALID_TOKEN_CHALLENGE } from './helpers/expect.js';
import { createUser, PASSWORD, type TestUser } from './helpers/factories.js';
import {
  base64url,
  decodeJwt,
  jwtSecret,
  resign,
  signJwt,
  type DecodedJwt,
} from './helpers/jwt.js';

const ME = '/api/v1/auth/me';
// Nothing from jsonwebtoken, passport or the database reaches the client.
const LIBRARY_TEXT = /jwt|jsonwebtoken|signature|algorithm|malformed|passport|sql|typeorm/i;

interface Fixture {
  user: TestUser;
  other: TestUser;
  jwt: DecodedJwt;
}

type Forge = (t: TestApp, f: Fixture) => string;

const now = () => Math.floor(Date.now() / 1000);

/** Header and payload of the real token, with the given changes, kept as they are (no re-signing). */
function unsigned(
  f: Fixture,
  header: Record<string, unknown>,
  payload: Record<string, unknown> = {},
): string {
  return `${base64url({ ...f.jwt.header, ...header })}.${base64url({ ...f.jwt.payload, ...payload })}`;
}

describe('token forgery (e2e)', () => {
  let t: TestApp;
  let fixture: Fixture;

  beforeAll(async () => {
    t = await createTestApp();
    const user = await createUser(t);
    const other = await createUser(t);
    fixture = { user, other, jwt: decodeJwt(user.token) };
  });
  afterAll(async () => {
    await t.close();
  });

  const me = (authorization?: string) =>
    t.request({
      method: 'GET',
      url: ME,
      headers: authorization === undefined ? {} : { authorization },
    });

  function expectUnauthenticated(response: LightMyRequestResponse, tokenSent: boolean) {
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    if (tokenSent) expect(response.headers['www-authenticate']).toMatch(INVALID_TOKEN_CHALLENGE);
    else expect(response.headers['www-authenticate']).toBe('Bearer');
    const body = response.json<{ detail: string }>();
    expect(body).toEqual({
      type: `urn:recipe-api:problem:${tokenSent ? 'invalid-token' : 'unauthenticated'}`,
      title: 'Unauthorized',
      status: 401,
      detail: expect.any(String),
      instance: ME,
    });
    expect(body.detail).not.toMatch(LIBRARY_TEXT);
    expect(response.body).not.toContain(fixture.user.email);
  }

  it('should accept the real token, its claims re-signed by the helper, and typ application/at+jwt (controls)', async () => {
    const controls = [
      fixture.user.token,
      resign(t, fixture.user.token),
      // RFC 9068 §4: "at+jwt" and "application/at+jwt" are the same type.
      resign(t, fixture.user.token, { header: { typ: 'application/at+jwt' } }),
      resign(t, fixture.user.token, { header: { typ: 'AT+JWT' } }),
      // Issued by an instance whose clock is a little ahead, within the tolerated skew.
      resign(t, fixture.user.token, { payload: { iat: now() + 30, exp: now() + 30 + 1800 } }),
    ];
    for (const token of controls) {
      const response = await me(`Bearer ${token}`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: fixture.user.id });
    }
  });

  describe('without a bearer token', () => {
    it.each<[string, (f: Fixture) => string | undefined]>([
      ['no Authorization header', () => undefined],
      ['an empty Authorization header', () => ''],
      [
        'the Basic scheme with the right password',
        (f) => `Basic ${Buffer.from(`${f.user.email}:${PASSWORD}`).toString('base64')}`,
      ],
      ['the Basic scheme carrying the real token', (f) => `Basic ${f.user.token}`],
      ['the token without a scheme', (f) => f.user.token],
      ['"Bearer" without a token', () => 'Bearer'],
    ])('should answer 401 WWW-Authenticate: Bearer for %s', async (_case, header) => {
      expectUnauthenticated(await me(header(fixture)), false);
    });
  });

  const forgeries: [string, Forge][] = [
    ['"abc"', () => 'abc'],
    ['"a.b.c"', () => 'a.b.c'],
    ['random base64', () => randomBytes(48).toString('base64')],
    [
      'random base64url in three parts',
      () => [1, 2, 3].map(() => randomBytes(24).toString('base64url')).join('.'),
    ],
    [
      'a header that is not JSON',
      (_t, f) => `${base64url('{"alg":')}.${f.user.token.split('.').slice(1).join('.')}`,
    ],
    [
      'a signed payload that is not an object',
      (t, f) => signJwt(f.jwt.header, '"a string"', jwtSecret(t)),
    ],
    ['a signed payload that is not JSON', (t, f) => signJwt(f.jwt.header, '{"sub":', jwtSecret(t))],
    [
      'a signed header that is not JSON',
      (t, f) => signJwt('{"alg":"HS256"', f.jwt.payload, jwtSecret(t)),
    ],
    ['a fourth part', (_t, f) => `${f.user.token}.${f.jwt.signature}`],
    ['the signature cut short', (_t, f) => f.user.token.slice(0, -4)],
    [
      'the signature of another token',
      (_t, f) =>
        `${f.user.token.split('.').slice(0, 2).join('.')}.${decodeJwt(f.other.token).signature}`,
    ],
    [
      'a token signed with another secret',
      (_t, f) => signJwt(f.jwt.header, f.jwt.payload, 'another-secret-that-is-at-least-32-bytes'),
    ],
    [
      'sub changed to another user, signature kept',
      (_t, f) => `${unsigned(f, {}, { sub: String(f.other.id) })}.${f.jwt.signature}`,
    ],
    [
      'users:admin added to scope, signature kept',
      (_t, f) =>
        `${unsigned(f, {}, { scope: 'profile recipes:write users:admin' })}.${f.jwt.signature}`,
    ],
    [
      'exp pushed a year ahead, signature kept',
      (_t, f) => `${unsigned(f, {}, { exp: now() + 365 * 86400 })}.${f.jwt.signature}`,
    ],
    ...['none', 'None', 'NONE', 'nOnE'].flatMap((alg): [string, Forge][] => [
      [`alg "${alg}" with an empty signature`, (_t, f) => `${unsigned(f, { alg })}.`],
      [
        `alg "${alg}" with the original signature`,
        (_t, f) => `${unsigned(f, { alg })}.${f.jwt.signature}`,
      ],
      [`alg "${alg}" without a signature part`, (_t, f) => unsigned(f, { alg })],
    ]),
    [
      'HS384 re-signed with the same secret',
      (t, f) => resign(t, f.user.token, { algorithm: 'HS384' }),
    ],
    [
      'HS512 re-signed with the same secret',
      (t, f) => resign(t, f.user.token, { algorithm: 'HS512' }),
    ],
    [
      'HS256 signed but labelled RS256',
      (t, f) => resign(t, f.user.token, { header: { alg: 'RS256' } }),
    ],
    [
      'exp in the past',
      (t, f) => resign(t, f.user.token, { payload: { iat: now() - 3600, exp: now() - 60 } }),
    ],
    ['no exp', (t, f) => resign(t, f.user.token, { payload: { exp: undefined } })],
    [
      'exp as a string',
      (t, f) => resign(t, f.user.token, { payload: { exp: String(now() + 600) } }),
    ],
    ['nbf in the future', (t, f) => resign(t, f.user.token, { payload: { nbf: now() + 600 } })],
    [
      'iat an hour ahead',
      (t, f) =>
        resign(t, f.user.token, { payload: { iat: now() + 3600, exp: now() + 3600 + 1800 } }),
    ],
    ['no iat', (t, f) => resign(t, f.user.token, { payload: { iat: undefined } })],
    ['iat as a string', (t, f) => resign(t, f.user.token, { payload: { iat: String(now()) } })],
    [
      'exp two days after iat',
      (t, f) => resign(t, f.user.token, { payload: { iat: now(), exp: now() + 2 * 86400 } }),
    ],
    [
      'iat older than an access token lives, exp still ahead',
      (t, f) => resign(t, f.user.token, { payload: { iat: now() - 2 * 86400, exp: now() + 600 } }),
    ],
    ['a wrong iss', (t, f) => resign(t, f.user.token, { payload: { iss: 'someone-else' } })],
    ['no iss', (t, f) => resign(t, f.user.token, { payload: { iss: undefined } })],
    ['a wrong aud', (t, f) => resign(t, f.user.token, { payload: { aud: 'another-api' } })],
    ['no aud', (t, f) => resign(t, f.user.token, { payload: { aud: undefined } })],
    [
      'type "refresh_token"',
      (t, f) => resign(t, f.user.token, { payload: { type: 'refresh_token' } }),
    ],
    ['no type claim', (t, f) => resign(t, f.user.token, { payload: { type: undefined } })],
    ['typ header "JWT"', (t, f) => resign(t, f.user.token, { header: { typ: 'JWT' } })],
    [
      'typ header "application/jwt"',
      (t, f) => resign(t, f.user.token, { header: { typ: 'application/jwt' } }),
    ],
    ['no typ header', (t, f) => resign(t, f.user.token, { header: { typ: undefined } })],
    [
      'a sid that does not exist',
      (t, f) => resign(t, f.user.token, { payload: { sid: randomUUID() } }),
    ],
    ['no sid', (t, f) => resign(t, f.user.token, { payload: { sid: undefined } })],
    ...(
      [
        ['a sid with a NUL', (sid: string) => `${sid}\u0000`],
        ['a sid of 10 kB', () => 'a'.repeat(10 * 1024)],
        ['a sid that is not a UUID', () => 'session-1'],
        ['an upper-case sid', (sid: string) => sid.toUpperCase()],
        ['sid as a number', () => 1],
        ['sid as an array', (sid: string) => [sid]],
        ['sid as an object', (sid: string) => ({ id: sid })],
      ] as const
    ).map(([name, sid]): [string, Forge] => [
      name,
      (t, f) => resign(t, f.user.token, { payload: { sid: sid(f.jwt.payload.sid as string) } }),
    ]),
    [
      "another user's sid",
      (t, f) => resign(t, f.user.token, { payload: { sid: decodeJwt(f.other.token).payload.sid } }),
    ],
    [
      'sub of another user with this sid',
      (t, f) => resign(t, f.user.token, { payload: { sub: String(f.other.id) } }),
    ],
    ['a non-numeric sub', (t, f) => resign(t, f.user.token, { payload: { sub: 'admin' } })],
    [
      'an SQL-looking sub',
      (t, f) => resign(t, f.user.token, { payload: { sub: `${f.user.id} OR 1=1` } }),
    ],
    ['a negative sub', (t, f) => resign(t, f.user.token, { payload: { sub: '-1' } })],
    ['a huge sub', (t, f) => resign(t, f.user.token, { payload: { sub: '9'.repeat(40) } })],
    ['sub as a JSON number', (t, f) => resign(t, f.user.token, { payload: { sub: f.user.id } })],
    ['no sub', (t, f) => resign(t, f.user.token, { payload: { sub: undefined } })],
    [
      'scope that is not a string',
      (t, f) => resign(t, f.user.token, { payload: { scope: ['users:admin'] } }),
    ],
    [
      'a scope with a NUL',
      (t, f) => resign(t, f.user.token, { payload: { scope: 'profile\u0000' } }),
    ],
    [
      'a scope of 10 kB',
      (t, f) => resign(t, f.user.token, { payload: { scope: 'profile '.repeat(1280).trim() } }),
    ],
    ['no jti', (t, f) => resign(t, f.user.token, { payload: { jti: undefined } })],
    ['jti as a number', (t, f) => resign(t, f.user.token, { payload: { jti: 1 } })],
  ];

  it.each(forgeries)('should answer 401 invalid_token for %s', async (_case, forge) => {
    expectUnauthenticated(await me(`Bearer ${forge(t, fixture)}`), true);
  });

  it.each([
    ['GET', '/api/v1/users/me'],
    ['GET', '/api/v1/recipes/my-recipes'],
    ['POST', '/api/v1/recipes'],
    ['POST', '/api/v1/auth/logout'],
  ] as const)(
    'should refuse an alg "none" token on %s %s as well, changing nothing',
    async (method, url) => {
      const response = await t.request({
        method,
        url,
        headers: { authorization: `Bearer ${unsigned(fixture, { alg: 'none' })}.` },
        ...(method === 'POST' && { payload: { label: 'Forged soup' } }),
      });

      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(INVALID_TOKEN_CHALLENGE);
      await expect(
        t.sql('SELECT id FROM sessions WHERE revoked_at IS NOT NULL AND user_id = ?', [
          fixture.user.id,
        ]),
      ).resolves.toEqual([]);
      await expect(t.sql("SELECT id FROM recipes WHERE label = 'Forged soup'")).resolves.toEqual(
        [],
      );
    },
  );

  it('should not let a normal user gain users:admin by re-signing the scope claim', async () => {
    const forged = resign(t, fixture.user.token, {
      payload: { scope: 'profile recipes:write users:admin' },
    });

    const response = await t.request({
      method: 'GET',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${forged}` },
    });

    expect(response.statusCode).toBe(403);
    expect(response.headers['www-authenticate']).toMatch(
      /^Bearer error="insufficient_scope", scope="users:admin"/,
    );
  });

  describe('tokens that were valid once', () => {
    it('should refuse the token of a logged-out session', async () => {
      const user = await createUser(t);
      expect(
        (await t.request({ method: 'POST', url: '/api/v1/auth/logout', headers: user.auth }))
          .statusCode,
      ).toBe(204);

      expectUnauthenticated(await me(user.auth.authorization), true);
    });

    it('should refuse the token of a user who deleted the account, and the account is gone', async () => {
      const user = await createUser(t);
      const deleted = await t.request({
        method: 'DELETE',
        url: '/api/v1/users/me',
        headers: user.auth,
        payload: { password: PASSWORD },
      });
      expect(deleted.statusCode).toBe(204);

      expectUnauthenticated(await me(user.auth.authorization), true);
      await expect(t.sql('SELECT id FROM users WHERE id = ?', [user.id])).resolves.toEqual([]);
      await expect(t.sql('SELECT id FROM sessions WHERE user_id = ?', [user.id])).resolves.toEqual(
        [],
      );
    });

    it('should refuse the token of a user deleted directly in the database', async () => {
      const user = await createUser(t);
      await t.sql('DELETE FROM users WHERE id = ?', [user.id]);

      expectUnauthenticated(await me(user.auth.authorization), true);
    });

    it('should refuse the token of a deactivated user at once', async () => {
      const user = await createUser(t);
      await t.sql('UPDATE users SET is_active = false WHERE id = ?', [user.id]);

      expectUnauthenticated(await me(user.auth.authorization), true);
    });

    it('should refuse the token of a session past its expiry', async () => {
      const user = await createUser(t);
      const { sid } = decodeJwt(user.token).payload;
      await t.sql('UPDATE sessions SET expires_at = ? WHERE id = ?', [minutesAgo(1), sid]);

      expectUnauthenticated(await me(user.auth.authorization), true);
    });
  });
});
