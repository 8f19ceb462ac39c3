import { MailService, type Mail } from '../src/mail/mail.service.js';
import { createRateLimitedApp, createTestApp, type TestApp } from './helpers/app.js';
import { expectProblemJson } from './helpers/expect.js';
import { bearer, createUser, login, PASSWORD, type TestUser } from './helpers/factories.js';
import { decodeJwt } from './helpers/jwt.js';
import { SoftAuthenticator } from './helpers/soft-authenticator.js';

const PASSKEYS = '/api/v1/auth/passkeys';
const REGISTER_OPTIONS = `${PASSKEYS}/register/options`;
const REGISTER = `${PASSKEYS}/register`;
const LOGIN_OPTIONS = `${PASSKEYS}/login/options`;
const LOGIN = `${PASSKEYS}/login`;
const ME = '/api/v1/auth/me';

const RP_ID = 'recipes.example';
const ORIGIN = 'https://app.recipes.example';
const ENV = {
  WEBAUTHN_RP_ID: RP_ID,
  WEBAUTHN_ORIGINS: `${ORIGIN}, https://admin.recipes.example`,
  STEP_UP_MAX_AGE_MINUTES: '10',
};

type Json = Record<string, unknown>;

describe('passkeys: registration, list, removal and login with a passkey alone (e2e)', () => {
  let t: TestApp;
  let sent: Mail[];

  beforeAll(async () => {
    t = await createTestApp(ENV);
  });
  afterAll(() => t.close());
  beforeEach(() => {
    sent = [];
    vi.spyOn(t.app.get(MailService), 'send').mockImplementation((mail) => void sent.push(mail));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    t.clock.reset();
  });

  const post = (url: string, headers: Record<string, string>, payload?: object) =>
    t.request({ method: 'POST', url, headers, ...(payload && { payload }) });

  async function registrationOptions(user: TestUser): Promise<Json> {
    const response = await post(REGISTER_OPTIONS, user.auth);
    expect(response.statusCode).toBe(200);
    return response.json<Json>();
  }

  /** A user with one passkey on `authenticator`. */
  async function withPasskey(authenticator = new SoftAuthenticator(ORIGIN, RP_ID)) {
    const user = await createUser(t);
    const response = await post(REGISTER, user.auth, {
      response: authenticator.create(await registrationOptions(user)),
      name: 'Laptop',
    });
    expect(response.statusCode).toBe(201);
    return { user, authenticator, passkey: response.json<{ id: number }>() };
  }

  async function loginOptions(): Promise<{ challenge_id: string; options: Json }> {
    const response = await t.request({ method: 'POST', url: LOGIN_OPTIONS });
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  const passkeyLogin = (payload: object) => t.request({ method: 'POST', url: LOGIN, payload });

  describe('registration', () => {
    it('should answer creation options for a discoverable, user-verified credential of the configured relying party', async () => {
      const user = await createUser(t);
      const options = await registrationOptions(user);
      expect(options).toMatchObject({
        rp: { id: RP_ID, name: 'Recipe API' },
        user: { id: Buffer.from(String(user.id)).toString('base64url'), name: user.email },
        attestation: 'none',
        timeout: 300000,
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        excludeCredentials: [],
      });
      expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('should store the passkey with its key, counter, transports and backup flags, end the other sessions and tell the user', async () => {
      const user = await createUser(t);
      const other = (await login(t, user.email, PASSWORD)).json<{ access_token: string }>();
      const authenticator = new SoftAuthenticator(ORIGIN, RP_ID);
      const created = authenticator.create(await registrationOptions(user));
      const response = await post(REGISTER, user.auth, { response: created, name: 'Laptop' });
      expect(response.statusCode).toBe(201);
      const body = response.json<Json>();
      expect(body).toEqual({
        id: expect.any(Number),
        name: 'Laptop',
        created_at: expect.any(String),
        last_used_at: null,
        device_type: 'singleDevice',
        backed_up: false,
        transports: ['internal'],
      });
      const [row] = await t.sql<Json[]>(
        'SELECT user_id, credential_id, public_key, counter, transports, device_type, backed_up FROM passkeys WHERE id = ?',
        [body.id],
      );
      expect(row).toMatchObject({
        user_id: user.id,
        credential_id: created.id,
        transports: 'internal',
        device_type: 'singleDevice',
      });
      expect(Number(row.counter)).toBe(0);
      expect(Boolean(row.backed_up)).toBe(false);
      expect(String(row.public_key).length).toBeGreaterThan(60);

      const me = (token: string) => t.request({ method: 'GET', url: ME, headers: bearer(token) });
      expect((await me(other.access_token)).statusCode).toBe(401);
      const mine = await me(user.token);
      expect(mine.json()).toMatchObject({ factors: ['passkey'] });
      expect(sent).toEqual([
        expect.objectContaining({
          to: user.email,
          subject: 'A passkey was added to your Recipe API account',
        }),
      ]);

      const list = await t.request({ method: 'GET', url: PASSKEYS, headers: user.auth });
      expect(list.statusCode).toBe(200);
      expect(list.json()).toEqual([body]);
      // Its id is excluded from the next creation options.
      expect((await registrationOptions(user)).excludeCredentials).toEqual([
        { id: created.id, type: 'public-key', transports: ['internal'] },
      ]);
    });

    it('should refuse a replayed answer, an answer to earlier options, a wrong origin, and no options at all', async () => {
      const user = await createUser(t);
      const authenticator = new SoftAuthenticator(ORIGIN, RP_ID);
      const refused = async (response: Json) => {
        const answer = await post(REGISTER, user.auth, { response });
        expectProblemJson(answer, 400, { type: 'urn:recipe-api:problem:validation-failed' });
        expect(answer.json<{ errors: { field: string }[] }>().errors[0].field).toBe('response');
      };

      await refused(authenticator.create({ challenge: 'bm8tb3B0aW9ucw', user: { id: 'eA' } }));

      const earlier = await registrationOptions(user);
      await registrationOptions(user); // voids the earlier options
      await refused(authenticator.create(earlier)); // and this spends the latest

      await refused(
        authenticator.create(await registrationOptions(user), { origin: 'https://evil.example' }),
      );

      const answer = authenticator.create(await registrationOptions(user));
      expect((await post(REGISTER, user.auth, { response: answer })).statusCode).toBe(201);
      await refused(answer);
      expect(
        await t.sql<Json[]>('SELECT id FROM passkeys WHERE user_id = ?', [user.id]),
      ).toHaveLength(1);
    });

    it('should refuse with 409 a credential registered already, for this user or another', async () => {
      const { user, authenticator } = await withPasskey();
      const [credential] = authenticator.credentials;
      // What an authenticator ignoring excludeCredentials would send: the same credential again.
      for (const who of [user, await createUser(t)]) {
        const again = await post(REGISTER, who.auth, {
          response: authenticator.create(await registrationOptions(who), { reuse: credential }),
        });
        expectProblemJson(again, 409, {
          type: 'urn:recipe-api:problem:passkey-already-registered',
        });
      }
      expect(
        await t.sql<Json[]>('SELECT id FROM passkeys WHERE credential_id = ?', [
          credential.id.toString('base64url'),
        ]),
      ).toHaveLength(1);
    });

    it('should need a bearer token and a recent login for the options, and answer 400 to a body that is not a credential', async () => {
      expect((await post(REGISTER_OPTIONS, {})).statusCode).toBe(401);
      expect((await post(REGISTER, {}, { response: {} })).statusCode).toBe(401);
      const user = await createUser(t);
      t.clock.advance({ minutes: 10, seconds: 1 });
      const late = await post(REGISTER_OPTIONS, user.auth);
      expect(late.statusCode).toBe(401);
      expect(late.headers['www-authenticate']).toMatch(/insufficient_user_authentication/);
      t.clock.reset();
      const bad = await post(REGISTER, user.auth, { response: { id: 'x', type: 'password' } });
      expectProblemJson(bad, 400, { type: 'urn:recipe-api:problem:validation-failed' });
    });
  });

  describe('login with a passkey', () => {
    it('should log in with amr ["hwk"], move the counter and record the use', async () => {
      const { user, authenticator, passkey } = await withPasskey();
      const { challenge_id, options } = await loginOptions();
      expect(options).toMatchObject({ rpId: RP_ID, userVerification: 'required', timeout: 300000 });
      expect(options.allowCredentials ?? []).toEqual([]);
      const response = await passkeyLogin({ challenge_id, response: authenticator.get(options) });
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const token = response.json<{ access_token: string; refresh_token: string; scope: string }>();
      expect(token.refresh_token).toEqual(expect.any(String));
      const claims = decodeJwt(token.access_token).payload;
      expect(claims).toMatchObject({ sub: String(user.id), amr: ['hwk'] });
      expect(claims.auth_time).toEqual(expect.any(Number));
      const [row] = await t.sql<Json[]>('SELECT counter, last_used_at FROM passkeys WHERE id = ?', [
        passkey.id,
      ]);
      expect(Number(row.counter)).toBe(1);
      expect(row.last_used_at).not.toBeNull();
      // The other origin configured works as well.
      const next = await loginOptions();
      const other = authenticator.get(next.options, { origin: 'https://admin.recipes.example' });
      expect(
        (await passkeyLogin({ challenge_id: next.challenge_id, response: other })).statusCode,
      ).toBe(200);
    });

    it('should refuse with invalid_grant: a replayed challenge, a wrong challenge, an unknown credential, a bad origin, a counter that did not grow', async () => {
      const { authenticator } = await withPasskey();
      const refused = async (payload: object) => {
        const response = await passkeyLogin(payload);
        expect(response.statusCode).toBe(400);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(response.json()).toEqual({
          error: 'invalid_grant',
          error_description: expect.any(String),
        });
      };

      const first = await loginOptions();
      const answer = authenticator.get(first.options);
      expect(
        (await passkeyLogin({ challenge_id: first.challenge_id, response: answer })).statusCode,
      ).toBe(200);
      const stored = authenticator.credentials[0].counter;
      await refused({ challenge_id: first.challenge_id, response: answer }); // replayed

      const a = await loginOptions();
      const b = await loginOptions();
      await refused({ challenge_id: a.challenge_id, response: authenticator.get(b.options) }); // wrong challenge
      await refused({
        challenge_id: 'bm90LWEtY2hhbGxlbmdl',
        response: authenticator.get(b.options),
      });

      const stranger = new SoftAuthenticator(ORIGIN, RP_ID);
      stranger.create({ challenge: 'eA', user: { id: 'eA' } });
      const unknown = await loginOptions();
      await refused({
        challenge_id: unknown.challenge_id,
        response: stranger.get(unknown.options),
      });

      const evil = await loginOptions();
      await refused({
        challenge_id: evil.challenge_id,
        response: authenticator.get(evil.options, { origin: 'https://evil.example' }),
      });

      // The counter the server stored at the one accepted login, sent again: a cloned authenticator.
      const cloned = await loginOptions();
      await refused({
        challenge_id: cloned.challenge_id,
        response: authenticator.get(cloned.options, { counter: stored }),
      });

      // A body that is not a credential: RFC 6749's invalid_request, never a 500.
      const bad = await passkeyLogin({ challenge_id: 'x', response: { id: 1 } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ error: 'invalid_request' });
    });

    it('should refuse an expired challenge and a deactivated account', async () => {
      const { user, authenticator } = await withPasskey();
      const old = await loginOptions();
      t.clock.advance({ minutes: 5, seconds: 1 });
      const expired = await passkeyLogin({
        challenge_id: old.challenge_id,
        response: authenticator.get(old.options),
      });
      expect(expired.json()).toMatchObject({ error: 'invalid_grant' });
      t.clock.reset();
      await t.sql('UPDATE users SET is_active = false WHERE id = ?', [user.id]);
      const fresh = await loginOptions();
      const inactive = await passkeyLogin({
        challenge_id: fresh.challenge_id,
        response: authenticator.get(fresh.options),
      });
      expect(inactive.statusCode).toBe(400);
      expect(inactive.json()).toMatchObject({ error: 'invalid_grant' });
    });
  });

  describe('removal', () => {
    it('should remove a passkey (recent login), end the other sessions, tell the user, and refuse its logins after', async () => {
      const { user, authenticator, passkey } = await withPasskey();
      const other = (await login(t, user.email, PASSWORD)).json<{ access_token: string }>();
      sent = [];
      const stranger = await createUser(t);
      const foreign = await t.request({
        method: 'DELETE',
        url: `${PASSKEYS}/${passkey.id}`,
        headers: stranger.auth,
      });
      expectProblemJson(foreign, 404, { type: 'urn:recipe-api:problem:not-found' });

      const removed = await t.request({
        method: 'DELETE',
        url: `${PASSKEYS}/${passkey.id}`,
        headers: user.auth,
      });
      expect(removed.statusCode).toBe(204);
      expect(await t.sql<Json[]>('SELECT id FROM passkeys WHERE id = ?', [passkey.id])).toEqual([]);
      expect(
        (await t.request({ method: 'GET', url: ME, headers: bearer(other.access_token) }))
          .statusCode,
      ).toBe(401);
      expect(sent).toEqual([
        expect.objectContaining({ subject: 'A passkey was removed from your Recipe API account' }),
      ]);
      const { challenge_id, options } = await loginOptions();
      const response = await passkeyLogin({ challenge_id, response: authenticator.get(options) });
      expect(response.json()).toMatchObject({ error: 'invalid_grant' });
      const again = await t.request({
        method: 'DELETE',
        url: `${PASSKEYS}/${passkey.id}`,
        headers: user.auth,
      });
      expect(again.statusCode).toBe(404);
    });
  });

  describe('as the second step of a password login', () => {
    const secondStep = (payload: object) =>
      t.request({ method: 'POST', url: '/api/v1/auth/login/mfa', payload });

    async function passwordStep(user: TestUser): Promise<string> {
      const first = await login(t, user.email, PASSWORD);
      expect(first.statusCode).toBe(400);
      expect(first.json()).toMatchObject({ error: 'mfa_required', mfa_token: expect.any(String) });
      return first.json<{ mfa_token: string }>().mfa_token;
    }

    it('should ask an account with a passkey for a second step and take the passkey: amr pwd and hwk, the token spent', async () => {
      const { user, authenticator } = await withPasskey();
      const mfa_token = await passwordStep(user);
      const { challenge_id, options } = await loginOptions();

      const answer = await secondStep({
        mfa_token,
        challenge_id,
        passkey: authenticator.get(options),
      });

      expect(answer.statusCode).toBe(200);
      const claims = decodeJwt(answer.json<{ access_token: string }>().access_token).payload;
      expect(claims).toMatchObject({ sub: String(user.id), amr: ['pwd', 'hwk'] });
      const again = await loginOptions();
      const replay = await secondStep({
        mfa_token,
        challenge_id: again.challenge_id,
        passkey: authenticator.get(again.options),
      });
      expect(replay.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it("should refuse another account's passkey, and a passkey sent with a code, leaving the mfa_token usable", async () => {
      const { user, authenticator } = await withPasskey();
      const stranger = await withPasskey();
      const mfa_token = await passwordStep(user);

      const foreign = await loginOptions();
      const refused = await secondStep({
        mfa_token,
        challenge_id: foreign.challenge_id,
        passkey: stranger.authenticator.get(foreign.options),
      });
      const both = await loginOptions();
      const mixed = await secondStep({
        mfa_token,
        code: '123456',
        challenge_id: both.challenge_id,
        passkey: authenticator.get(both.options),
      });
      const mine = await loginOptions();
      const accepted = await secondStep({
        mfa_token,
        challenge_id: mine.challenge_id,
        passkey: authenticator.get(mine.options),
      });

      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ error: 'invalid_grant' });
      expect(mixed.statusCode).toBe(400);
      expect(mixed.json()).toMatchObject({ error: 'invalid_request' });
      expect(accepted.statusCode).toBe(200);
    });
  });

  describe('administrator reset', () => {
    it('should remove the passkeys with the other factors, and refuse their logins after', async () => {
      const admin = await createUser(t, { superuser: true, scope: 'profile users:admin' });
      const { user, authenticator } = await withPasskey();
      const url = `/api/v1/users/${user.id}/mfa`;
      expect((await t.request({ method: 'GET', url, headers: admin.auth })).json()).toEqual({
        factors: ['passkey'],
        recovery_codes_remaining: 0,
      });
      expect((await t.request({ method: 'DELETE', url, headers: admin.auth })).statusCode).toBe(
        204,
      );
      expect(await t.sql<Json[]>('SELECT id FROM passkeys WHERE user_id = ?', [user.id])).toEqual(
        [],
      );
      const { challenge_id, options } = await loginOptions();
      const response = await passkeyLogin({ challenge_id, response: authenticator.get(options) });
      expect(response.json()).toMatchObject({ error: 'invalid_grant' });
      expect((await t.request({ method: 'DELETE', url, headers: admin.auth })).statusCode).toBe(
        404,
      );
    });
  });
});

describe('passkey login rate limit (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createRateLimitedApp({ ...ENV, AUTH_RATE_LIMIT_PER_MINUTE: '2' });
  });
  afterAll(() => t.close());

  it('should answer 429 per client address once the auth limit is spent, in the token endpoint shape', async () => {
    const post = (url: string, payload?: object) =>
      t.request({ method: 'POST', url, ...(payload && { payload }) });
    expect((await post(LOGIN_OPTIONS)).statusCode).toBe(200);
    expect((await post(LOGIN_OPTIONS)).statusCode).toBe(200);
    expect((await post(LOGIN_OPTIONS)).statusCode).toBe(429);
    const answer = { challenge_id: 'x', response: {} };
    expect((await post(LOGIN, answer)).statusCode).toBe(400);
    expect((await post(LOGIN, answer)).statusCode).toBe(400);
    const login = await post(LOGIN, answer);
    expect(login.statusCode).toBe(429);
    expect(login.json()).toMatchObject({ error: expect.any(String) });
    expect(login.headers['retry-after']).toEqual(expect.any(String));
  });
});

describe('passkey origins by default (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      WEBAUTHN_RP_ID: RP_ID,
      FRONTEND_URL: 'https://app.recipes.example/spa/',
      CORS_ORIGINS: 'https://admin.recipes.example',
    });
  });
  afterAll(() => t.close());

  it("should accept FRONTEND_URL's origin and CORS_ORIGINS when WEBAUTHN_ORIGINS is unset, and no other", async () => {
    const user = await createUser(t);
    const authenticator = new SoftAuthenticator(ORIGIN, RP_ID);
    const register = async (origin: string) => {
      const options = await t.request({
        method: 'POST',
        url: REGISTER_OPTIONS,
        headers: user.auth,
      });
      return t.request({
        method: 'POST',
        url: REGISTER,
        headers: user.auth,
        payload: { response: authenticator.create(options.json(), { origin }) },
      });
    };
    expect((await register('https://evil.example')).statusCode).toBe(400);
    expect((await register('https://app.recipes.example')).statusCode).toBe(201);
    expect((await register('https://admin.recipes.example')).statusCode).toBe(201);
  });
});

describe('passkeys and MFA_REQUIRED_FOR_SUPERUSERS (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ ...ENV, MFA_REQUIRED_FOR_SUPERUSERS: 'true' });
  });
  afterAll(() => t.close());

  it('should grant users:admin to a superuser who logs in with a passkey, alone or after the password', async () => {
    const admin = await createUser(t, { superuser: true, scope: 'profile' });
    const authenticator = new SoftAuthenticator(ORIGIN, RP_ID);
    const options = await t.request({ method: 'POST', url: REGISTER_OPTIONS, headers: admin.auth });
    const registered = await t.request({
      method: 'POST',
      url: REGISTER,
      headers: admin.auth,
      payload: { response: authenticator.create(options.json()) },
    });
    expect(registered.statusCode).toBe(201);
    const loginOptions = async () =>
      (await t.request({ method: 'POST', url: LOGIN_OPTIONS })).json<{
        challenge_id: string;
        options: Json;
      }>();

    const alone = await loginOptions();
    const passkeyOnly = await t.request({
      method: 'POST',
      url: LOGIN,
      payload: { challenge_id: alone.challenge_id, response: authenticator.get(alone.options) },
    });
    const { mfa_token } = (await login(t, admin.email, PASSWORD)).json<{ mfa_token: string }>();
    const second = await loginOptions();
    const afterPassword = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login/mfa',
      payload: {
        mfa_token,
        challenge_id: second.challenge_id,
        passkey: authenticator.get(second.options),
      },
    });

    expect(passkeyOnly.statusCode).toBe(200);
    expect(passkeyOnly.json<{ scope: string }>().scope.split(' ')).toContain('users:admin');
    expect(afterPassword.statusCode).toBe(200);
    expect(afterPassword.json<{ scope: string }>().scope.split(' ')).toContain('users:admin');
  });
});
