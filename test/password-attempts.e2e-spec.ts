import type { LightMyRequestResponse } from 'fastify';
import { createOpenApiDocument } from '../src/swagger.js';
import { PasswordService } from '../src/users/password.service.js';
import { createRateLimitedApp, type TestApp } from './helpers/app.js';
import { expectOAuthError, expectProblemJson } from './helpers/expect.js';
import { createUser, login, PASSWORD, type TestUser } from './helpers/factories.js';
import type { UserRow } from './helpers/rows.js';

const CHANGE = '/api/v1/users/me/password';
const ME = '/api/v1/users/me';
const WRONG = 'not the right password';
const NEW_PASSWORD = 'a brand new kitchen passphrase';

function changePassword(t: TestApp, user: TestUser, current: string, remoteAddress = '127.0.0.1') {
  return t.request({
    method: 'POST',
    url: CHANGE,
    headers: user.auth,
    payload: { current_password: current, new_password: NEW_PASSWORD },
    remoteAddress,
  });
}

function deleteMe(t: TestApp, user: TestUser, password: string, remoteAddress = '127.0.0.1') {
  return t.request({
    method: 'DELETE',
    url: ME,
    headers: user.auth,
    payload: { password },
    remoteAddress,
  });
}

function expectWrongPassword(response: LightMyRequestResponse, field: string): void {
  expectProblemJson(response, 400, {
    type: 'urn:recipe-api:problem:validation-failed',
    errors: [{ field, message: 'the password is not correct' }],
  });
}

/** The per-account lock on a password-confirming route: problem+json with Retry-After. */
function expectAccountLocked(response: LightMyRequestResponse, url: string): void {
  expectProblemJson(response, 429, {
    type: 'urn:recipe-api:problem:too-many-requests',
    status: 429,
    detail: 'Too many wrong passwords for this account: try again later.',
    instance: url,
  });
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(14 * 60);
  expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
}

function expectLoginLocked(response: LightMyRequestResponse): void {
  expectOAuthError(response, 'invalid_request', {
    status: 429,
    description: /^Too many failed logins for this account/,
  });
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(14 * 60);
}

async function userRow(t: TestApp, id: number): Promise<UserRow | undefined> {
  const [row] = await t.sql<UserRow[]>('SELECT * FROM users WHERE id = ?', [id]);
  return row;
}

describe('one per-account limit for every route that checks a password (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createRateLimitedApp();
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('should refuse the 11th wrong current_password, and then the right one, with 429 and keep the password', async () => {
    const user = await createUser(t);
    const before = await userRow(t, user.id);
    for (let i = 0; i < 10; i++) {
      expectWrongPassword(await changePassword(t, user, WRONG, `127.0.2.${i}`), 'current_password');
    }

    expectAccountLocked(await changePassword(t, user, WRONG, '127.0.2.100'), CHANGE);
    expectAccountLocked(await changePassword(t, user, PASSWORD, '127.0.2.101'), CHANGE);
    expect((await userRow(t, user.id))?.hashed_password).toBe(before?.hashed_password);
  });

  it('should refuse the right password on account deletion after 10 wrong ones, and delete nothing', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 10; i++) expectWrongPassword(await deleteMe(t, user, WRONG), 'password');

    expectAccountLocked(await deleteMe(t, user, PASSWORD), ME);
    expect(await userRow(t, user.id)).toMatchObject({ id: user.id });
  });

  it('should lock login after wrong passwords on the password change, and the other way round', async () => {
    const changed = await createUser(t);
    for (let i = 0; i < 10; i++) await changePassword(t, changed, WRONG);
    expectLoginLocked(await login(t, changed.email));

    const loggedIn = await createUser(t);
    for (let i = 0; i < 10; i++)
      expect((await login(t, loggedIn.email, WRONG)).statusCode).toBe(400);
    expectAccountLocked(await changePassword(t, loggedIn, PASSWORD), CHANGE);
    expectAccountLocked(await deleteMe(t, loggedIn, PASSWORD), ME);
    expect(await userRow(t, loggedIn.id)).toMatchObject({ id: loggedIn.id });
  });

  it('should count wrong passwords of both routes together', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 5; i++) await changePassword(t, user, WRONG);
    for (let i = 0; i < 4; i++) await deleteMe(t, user, WRONG);
    expect((await login(t, user.email, WRONG)).statusCode).toBe(400);
    expectAccountLocked(await deleteMe(t, user, PASSWORD), ME);
  });

  it('should answer a locked account without computing a password hash', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 10; i++) await login(t, user.email, WRONG);
    const passwords = t.app.get(PasswordService);
    const verify = vi.spyOn(passwords, 'verify');
    const verifyNothing = vi.spyOn(passwords, 'verifyNothing');

    expectAccountLocked(await changePassword(t, user, PASSWORD), CHANGE);
    expectAccountLocked(await deleteMe(t, user, PASSWORD), ME);
    expect(verify).not.toHaveBeenCalled();
    expect(verifyNothing).not.toHaveBeenCalled();
  });

  it('should check no more than LOGIN_MAX_FAILURES of 20 parallel wrong guesses with one token', async () => {
    const user = await createUser(t);
    const verify = vi.spyOn(t.app.get(PasswordService), 'verify');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => changePassword(t, user, WRONG)),
    );
    const statuses = responses.map((response) => response.statusCode).sort((a, b) => a - b);
    expect(statuses).toEqual([...Array<number>(10).fill(400), ...Array<number>(10).fill(429)]);
    expect(verify).toHaveBeenCalledTimes(10);
  });

  it('should start the count again after the right password on the password change', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 5; i++) await login(t, user.email, WRONG);
    for (let i = 0; i < 4; i++) await changePassword(t, user, WRONG);
    expect((await changePassword(t, user, PASSWORD)).statusCode).toBe(204);

    for (let i = 0; i < 10; i++) {
      expect({ i, status: (await login(t, user.email, WRONG)).statusCode }).toEqual({
        i,
        status: 400,
      });
    }
    expectLoginLocked(await login(t, user.email, NEW_PASSWORD));
  });
});

describe('per-IP limit on the password routes (AUTH_RATE_LIMIT_PER_MINUTE=3, e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createRateLimitedApp({ AUTH_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await t.close();
  });

  const expectIpLimited = (response: LightMyRequestResponse, url: string) => {
    expectProblemJson(response, 429, {
      type: 'urn:recipe-api:problem:too-many-requests',
      detail: expect.stringMatching(/^Too many requests from your address/),
      instance: url,
    });
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(response.headers['ratelimit-remaining']).toBe('0');
  };

  it.each([
    ['POST /users/me/password', changePassword, CHANGE],
    ['DELETE /users/me', deleteMe, ME],
  ] as const)(
    'should answer the 4th %s from one address with 429 and RateLimit headers',
    async (_route, send, url) => {
      const user = await createUser(t);
      for (const remaining of ['2', '1', '0']) {
        const response = await send(t, user, WRONG, '10.0.3.1');
        expect(response.statusCode).toBe(400);
        expect(response.headers['ratelimit-limit']).toBe('3');
        expect(response.headers['ratelimit-remaining']).toBe(remaining);
      }
      expectIpLimited(await send(t, user, PASSWORD, '10.0.3.1'), url);
      expect((await send(t, user, WRONG, '10.0.3.2')).statusCode).toBe(400);
    },
  );

  it('should document the 429 of both routes, naming the per-account limit', () => {
    const doc = createOpenApiDocument(t.app);
    const operations = [
      doc.paths['/api/v1/users/me/password']?.post,
      doc.paths['/api/v1/users/me']?.delete,
    ];
    for (const operation of operations) {
      expect(operation?.responses['429']).toMatchObject({
        description: expect.stringContaining('LOGIN_MAX_FAILURES wrong passwords for the account'),
        headers: { 'Retry-After': expect.any(Object) },
        content: { 'application/problem+json': expect.any(Object) },
      });
    }
    expect(doc.paths['/api/v1/users/me']?.get?.responses['429']).toBeUndefined();
  });
});
