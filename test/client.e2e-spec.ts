import { randomBytes, randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import {
  createRecipeClient,
  memoryStorage,
  OAuthError,
  ProblemError,
  unwrap,
  type RecipeClient,
  type RecipeClientOptions,
  type TokenStorage,
} from '../clients/typescript/src/index.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { newEmail, PASSWORD } from './helpers/factories.js';
import { decodeJwt, signJwt } from './helpers/jwt.js';
import { FRONTEND, Mailbox, tokenFromLink } from './helpers/mailbox.js';
import { ensureBuilt, startServer, type ServerProcess } from './helpers/server-process.js';

/**
 * The whole contract through the typed client (clients/typescript), as a single-page app would
 * use it, against the built server (`node dist/main.js`, built first when dist/ is stale) on a
 * database of its own, mailing through SMTP to a Mailbox.
 */
const SECRET = randomBytes(48).toString('base64url');
const ADMIN = { username: 'head-cook@example.com', password: 'a long superuser passphrase 7' };
const NEW_PASSWORD = 'another long passphrase 42';

describe('the TypeScript client against the built server (e2e)', () => {
  let database: TestDatabase | undefined;
  let mailbox: Mailbox | undefined;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    database = await createTestDatabase();
    mailbox = await Mailbox.start();
    server = await startServer({
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      JWT_SECRET: SECRET,
      SMTP_URL: mailbox.url,
      FRONTEND_URL: FRONTEND,
      FIRST_SUPERUSER: ADMIN.username,
      FIRST_SUPERUSER_PASSWORD: ADMIN.password,
      MFA_REQUIRED_FOR_SUPERUSERS: 'false', // the admin here logs in with a password alone
      AUTH_RATE_LIMIT_PER_MINUTE: '1000', // every request comes from 127.0.0.1
    });
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    await mailbox?.stop();
    await database?.drop();
  });

  // On failure, what the server logged (LOG_LEVEL=warn) tells why.
  beforeEach(({ onTestFailed }) => onTestFailed(() => console.error(server?.output())));

  /** A client of the running server; `requests` lists each request it sent, `METHOD /path`. */
  function client(options: Partial<RecipeClientOptions> = {}) {
    const requests: string[] = [];
    const api = createRecipeClient({
      baseUrl: server!.url,
      fetch: (request) => {
        requests.push(`${request.method} ${new URL(request.url).pathname}`);
        return fetch(request);
      },
      ...options,
    });
    return { api, requests };
  }

  /** Signs a new account up through the client and logs it in. */
  async function cook(storage?: TokenStorage): Promise<{ api: RecipeClient; email: string }> {
    const email = newEmail();
    const { api } = client({ storage });
    await unwrap(
      api.http.POST('/api/v1/auth/signup', {
        body: { email, password: PASSWORD, first_name: 'Ada' },
      }),
    );
    await api.login({ username: email, password: PASSWORD });
    return { api, email };
  }

  /** A second login of the same account: another session. */
  async function otherSession(email: string, password = PASSWORD): Promise<RecipeClient> {
    const { api } = client();
    await api.login({ username: email, password });
    return api;
  }

  /** The call fails the way a dead session does: the refresh is refused and the tokens are gone. */
  async function expectSessionEnded(api: RecipeClient): Promise<void> {
    await expect(api.http.GET('/api/v1/auth/me')).rejects.toMatchObject({
      name: 'OAuthError',
      status: 400,
      error: 'invalid_grant',
    });
    expect(api.tokens()).toBeNull();
  }

  it('should sign up, log in with a form, and read and change the account', async () => {
    const email = newEmail();
    const { api, requests } = client();
    const { data: created, response } = await api.http.POST('/api/v1/auth/signup', {
      body: { email, password: PASSWORD, first_name: 'Ada', surname: 'Lovelace' },
    });
    expect(response.status).toBe(201);
    expect(created).toMatchObject({ email, first_name: 'Ada', is_superuser: false });

    const session = await api.login({ username: email, password: PASSWORD, scope: 'profile' });
    expect(session).toMatchObject({ token_type: 'bearer', scope: 'profile' });
    expect(api.tokens()).toEqual({
      access_token: session.access_token,
      refresh_token: session.refresh_token,
    });
    expect(requests).toEqual(['POST /api/v1/auth/signup', 'POST /api/v1/auth/login']);

    expect(await unwrap(api.http.GET('/api/v1/auth/me'))).toEqual({
      ...created,
      factors: [],
      recovery_codes_remaining: 0,
    });
    expect(await unwrap(api.http.GET('/api/v1/users/me'))).toEqual(created);
    expect(
      await unwrap(api.http.PATCH('/api/v1/users/me', { body: { surname: 'King' } })),
    ).toMatchObject({ id: created!.id, surname: 'King' });
  });

  it('should create, read, change, list, search, page and delete recipes', async () => {
    const { api } = await cook();
    const word = `dish${randomUUID().slice(0, 8)}`;
    const labels = [1, 2, 3].map((n) => `${word} number ${n}`);
    const created = [];
    for (const label of labels) {
      const { data, response } = await api.http.POST('/api/v1/recipes', {
        body: { label, source: 'Serious Eats', url: 'https://www.seriouseats.com/x' },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toBe(`/api/v1/recipes/${data!.id}`);
      created.push(data!);
    }
    const [first, second, third] = created;

    expect(
      await unwrap(api.http.GET('/api/v1/recipes/{id}', { params: { path: { id: first!.id } } })),
    ).toEqual(first);
    const changed = await unwrap(
      api.http.PATCH('/api/v1/recipes/{id}', {
        params: { path: { id: first!.id } },
        body: { label: `${word} renamed` },
      }),
    );
    expect(changed).toMatchObject({
      id: first!.id,
      label: `${word} renamed`,
      source: 'Serious Eats',
    });

    // Newest first, two a page: the cursor leads to the rest.
    const page1 = await unwrap(
      api.http.GET('/api/v1/recipes', { params: { query: { keyword: word, limit: 2 } } }),
    );
    expect(page1.items.map((recipe) => recipe.id)).toEqual([third!.id, second!.id]);
    expect(page1.next_cursor).toEqual(expect.any(String));
    const page2 = await unwrap(
      api.http.GET('/api/v1/recipes', {
        params: { query: { keyword: word, limit: 2, cursor: page1.next_cursor! } },
      }),
    );
    expect(page2).toEqual({ items: [changed], next_cursor: null });

    // max_results left out: its default.
    const search = await unwrap(
      api.http.GET('/api/v1/recipes/search', { params: { query: { keyword: word } } }),
    );
    expect(search.results).toHaveLength(3);
    const mine = await unwrap(api.http.GET('/api/v1/recipes/my-recipes'));
    const ids = (list: { id: number }[]) => list.map((recipe) => recipe.id).sort((a, b) => a - b);
    expect(ids(mine.results)).toEqual(ids(created));

    const deleted = await api.http.DELETE('/api/v1/recipes/{id}', {
      params: { path: { id: second!.id } },
    });
    expect(deleted.response.status).toBe(204);
    await expect(
      unwrap(api.http.GET('/api/v1/recipes/{id}', { params: { path: { id: second!.id } } })),
    ).rejects.toMatchObject({ name: 'ProblemError', status: 404 });
  });

  it('should run the users admin routes for a superuser', async () => {
    const { api: admin } = client();
    await admin.login(ADMIN);
    const { api: user, email } = await cook();

    const page = await unwrap(
      admin.http.GET('/api/v1/users', { params: { query: { email, limit: 5 } } }),
    );
    expect(page.items).toHaveLength(1);
    const id = page.items[0]!.id;
    expect(
      await unwrap(admin.http.GET('/api/v1/users/{id}', { params: { path: { id } } })),
    ).toMatchObject({ id, email, is_active: true });

    // Deactivation ends the user's sessions: the user's next call cannot refresh.
    const deactivated = await unwrap(
      admin.http.PATCH('/api/v1/users/{id}', {
        params: { path: { id } },
        body: { is_active: false },
      }),
    );
    expect(deactivated).toMatchObject({ id, is_active: false });
    await expectSessionEnded(user);

    const { response } = await admin.http.DELETE('/api/v1/users/{id}', {
      params: { path: { id } },
    });
    expect(response.status).toBe(204);
    await expect(
      unwrap(admin.http.GET('/api/v1/users/{id}', { params: { path: { id } } })),
    ).rejects.toMatchObject({ name: 'ProblemError', status: 404 });

    // Without users:admin the route answers 403 problem details.
    const { api: plain } = await cook();
    const { error } = await plain.http.GET('/api/v1/users');
    expect(error).toMatchObject({ status: 403 });
  });

  it('should list this account sessions and end another one', async () => {
    const { api, email } = await cook();
    const other = await otherSession(email);

    const sessions = await unwrap(api.http.GET('/api/v1/auth/sessions'));
    expect(sessions).toHaveLength(2);
    const others = sessions.filter((session) => !session.current);
    expect(others).toHaveLength(1);
    const { response } = await api.http.DELETE('/api/v1/auth/sessions/{id}', {
      params: { path: { id: others[0]!.id } },
    });
    expect(response.status).toBe(204);

    await expectSessionEnded(other);
    expect(await unwrap(api.http.GET('/api/v1/auth/sessions'))).toHaveLength(1);
  });

  it('should change the password: other sessions end, the new password logs in', async () => {
    const { api, email } = await cook();
    const other = await otherSession(email);

    const { response } = await api.http.POST('/api/v1/users/me/password', {
      body: { current_password: PASSWORD, new_password: NEW_PASSWORD },
    });
    expect(response.status).toBe(204);
    await expectSessionEnded(other);
    expect(await unwrap(api.http.GET('/api/v1/auth/me'))).toMatchObject({ email });
    await expect(otherSession(email)).rejects.toMatchObject({ error: 'invalid_grant' });
    await otherSession(email, NEW_PASSWORD);
  });

  it('should reset a forgotten password and verify the email through the mailed links', async () => {
    const { api, email } = await cook();
    const { api: anonymous } = client();

    const verify = await api.http.POST('/api/v1/auth/email/verify/request');
    expect(verify.response.status).toBe(202);
    const verifyToken = tokenFromLink(await mailbox!.next(email), FRONTEND, 'verify-email');
    const verified = await anonymous.http.POST('/api/v1/auth/email/verify', {
      body: { token: verifyToken },
    });
    expect(verified.response.status).toBe(204);
    expect(await unwrap(api.http.GET('/api/v1/auth/me'))).toMatchObject({ email_verified: true });

    const forgot = await anonymous.http.POST('/api/v1/auth/password/forgot', { body: { email } });
    expect(forgot.response.status).toBe(202);
    const resetToken = tokenFromLink(await mailbox!.next(email), FRONTEND, 'reset-password');
    const reset = await anonymous.http.POST('/api/v1/auth/password/reset', {
      body: { token: resetToken, new_password: NEW_PASSWORD },
    });
    expect(reset.response.status).toBe(204);

    await expectSessionEnded(api);
    await otherSession(email, NEW_PASSWORD);
  });

  it('should delete the own account with its password', async () => {
    const { api, email } = await cook();
    const { response } = await api.http.DELETE('/api/v1/users/me', {
      body: { password: PASSWORD },
    });
    expect(response.status).toBe(204);
    await expect(otherSession(email)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  describe.each([
    {
      refused: 'expired',
      spoil: (token: string) => {
        const { header, payload } = decodeJwt(token);
        const past = Math.floor(Date.now() / 1000) - 3600;
        return signJwt(header, { ...payload, iat: past - 60, exp: past }, SECRET);
      },
    },
    { refused: 'forged', spoil: (token: string) => `${token.slice(0, -4)}AAAA` },
  ])('with an $refused access token', ({ spoil }) => {
    it('should refresh once for five parallel calls and answer all of them', async () => {
      const storage = memoryStorage();
      const { api: signedUp, email } = await cook(storage);
      const before = signedUp.tokens()!;
      const { api, requests } = client({ storage });
      storage.set({ ...before, access_token: spoil(before.access_token) });

      const answers = await Promise.all(
        Array.from({ length: 5 }, () => unwrap(api.http.GET('/api/v1/auth/me'))),
      );
      expect(answers.map((user) => user.email)).toEqual(Array(5).fill(email));
      expect(requests.filter((request) => request.endsWith('/auth/refresh'))).toEqual([
        'POST /api/v1/auth/refresh',
      ]);
      expect(requests.filter((request) => request.endsWith('/auth/me'))).toHaveLength(10);
      expect(api.tokens()!.refresh_token).not.toBe(before.refresh_token);
    });
  });

  it('should surface a refused refresh as an OAuthError and forget the tokens', async () => {
    const { api, requests } = client();
    const { api: signedUp } = await cook();
    const { access_token } = signedUp.tokens()!;
    const storage = memoryStorage();
    storage.set({ access_token: `${access_token.slice(0, -4)}AAAA`, refresh_token: 'nonsense' });
    const stale = createRecipeClient({ baseUrl: server!.url, storage });

    const failed = await stale.http.GET('/api/v1/auth/me').catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(OAuthError);
    expect(failed).toMatchObject({ status: 400, error: 'invalid_grant' });
    await expect(stale.refresh()).rejects.toMatchObject({ error: 'invalid_request' });
    expect(stale.tokens()).toBeNull();

    // Not logged in at all: the 401 is the caller's to handle, and no refresh is tried.
    const { error, response } = await api.http.GET('/api/v1/auth/me');
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ status: 401, type: expect.any(String) });
    expect(requests).toEqual(['GET /api/v1/auth/me']);
  });

  it('should log out: the tokens are gone and both tokens are dead', async () => {
    const { api } = await cook();
    const { access_token, refresh_token } = api.tokens()!;
    await api.logout();
    expect(api.tokens()).toBeNull();

    const { error, response } = await api.http.GET('/api/v1/auth/me', {
      headers: { Authorization: `Bearer ${access_token}` },
    });
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ status: 401 });

    const storage = memoryStorage();
    storage.set({ access_token: 'x', refresh_token });
    const kept = createRecipeClient({ baseUrl: server!.url, storage });
    await expect(kept.refresh()).rejects.toMatchObject({
      name: 'OAuthError',
      status: 400,
      error: 'invalid_grant',
    });
  });

  it('should enroll an authenticator app and complete a login with its second step', async () => {
    const { api, email } = await cook();
    const { secret } = await unwrap(api.http.POST('/api/v1/auth/mfa/totp/enroll'));
    const code = TOTP.generate({ secret: Secret.fromBase32(secret) });
    const { recovery_codes } = await unwrap(
      api.http.POST('/api/v1/auth/mfa/totp/confirm', { body: { code } }),
    );
    expect(recovery_codes).toHaveLength(10);

    const { api: next } = client();
    const refused = await next
      .login({ username: email, password: PASSWORD })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OAuthError);
    expect(refused).toMatchObject({ status: 400, error: 'mfa_required' });
    const { mfaToken } = refused as OAuthError;
    expect(mfaToken).toEqual(expect.any(String));
    expect(next.tokens()).toBeNull();

    await next.loginWithSecondFactor({ mfa_token: mfaToken!, recovery_code: recovery_codes[0]! });
    expect(await unwrap(next.http.GET('/api/v1/auth/me'))).toMatchObject({
      email,
      factors: ['totp'],
      recovery_codes_remaining: 9,
    });
  });

  it('should hold no refresh token in cookie mode', async () => {
    const { email } = await cook();
    const { api } = client({ cookieMode: true });
    const session = await api.login({ username: email, password: PASSWORD });
    expect(session).not.toHaveProperty('refresh_token');
    expect(api.tokens()).toEqual({ access_token: session.access_token });
    expect(await unwrap(api.http.GET('/api/v1/auth/me'))).toMatchObject({ email });
  });

  it('should read the routes outside /api/v1: health, readiness and the key set', async () => {
    const { api } = client();
    expect(await unwrap(api.http.GET('/health'))).toEqual({ status: 'ok' });
    expect((await api.http.GET('/health/ready')).response.status).toBe(200);
    // HS256 publishes no key.
    expect(await unwrap(api.http.GET('/.well-known/jwks.json'))).toEqual({ keys: [] });
  });

  it('should give typed errors: RFC 6749 from the token endpoints, problem details elsewhere', async () => {
    const { api, email } = await cook();

    const login = await client()
      .api.login({ username: email, password: 'not the password' })
      .catch((error: unknown) => error);
    expect(login).toBeInstanceOf(OAuthError);
    expect(login).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect((login as OAuthError).errorDescription).toEqual(expect.any(String));
    await expect(
      client().api.login({ username: email, password: PASSWORD, scope: 'recipes:admin' }),
    ).rejects.toMatchObject({ name: 'OAuthError', status: 400, error: 'invalid_scope' });

    const invalid = await unwrap(
      api.http.POST('/api/v1/recipes', { body: { label: '', url: 'not a url' } }),
    ).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(ProblemError);
    const problem = invalid as ProblemError;
    expect(problem.status).toBe(400);
    expect(problem.problem.type).toEqual(expect.any(String));
    expect(
      problem.fieldErrors.map((error) => error.field).sort((a, b) => a.localeCompare(b)),
    ).toEqual(['label', 'url']);

    const { error: taken } = await api.http.POST('/api/v1/auth/signup', {
      body: { email, password: PASSWORD },
    });
    expect(taken).toMatchObject({ status: 409, detail: expect.any(String) });

    const { error: missing } = await api.http.GET('/api/v1/recipes/{id}', {
      params: { path: { id: 987654321 } },
    });
    expect(missing).toMatchObject({ status: 404 });
  });
});
