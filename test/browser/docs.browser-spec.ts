import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';

/**
 * Swagger UI in a real browser against the built server (`node dist/main.js`, as operators run
 * it): Authorize through the OAuth2 password flow, then "Try it out" on GET /api/v1/auth/me.
 * Needs `npm run build` first (`npm run test:browser` does it) and Debian's chromium package.
 */
const PASSWORD = 'correct horse battery staple';
const UI_TIMEOUT = 15_000;

describe('Swagger UI in Chromium', () => {
  let dir: string;
  let server: ServerProcess | undefined;
  let baseUrl: string;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  const email = `browser-${Date.now()}@example.com`;

  /** On failure: a screenshot in /tmp and the server's output, to see what the page showed. */
  function captureOnFailure(name: string): void {
    onTestFailed(async () => {
      const path = join(tmpdir(), `recipe-api-${name}-${Date.now()}.png`);
      await page?.screenshot({ path, fullPage: true }).catch(() => undefined);
      console.error(`screenshot: ${path}\nserver output:\n${server?.output() ?? ''}`);
    });
  }

  /** The GET /api/v1/auth/me operation block, expanded (after a reload it may already be, by deep link). */
  async function expandMe(): Promise<Locator> {
    const operation = page.locator('#operations-auth-AuthController_me');
    const summary = operation.locator('.opblock-summary-control');
    await summary.waitFor({ timeout: UI_TIMEOUT });
    if ((await summary.getAttribute('aria-expanded')) !== 'true') await summary.click();
    await operation.locator('.opblock-body').waitFor({ timeout: UI_TIMEOUT });
    return operation;
  }

  async function tryMe(operation: Locator): Promise<void> {
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const response = operation.locator('.live-responses-table tbody tr.response').first();
    await expect
      .poll(() => response.locator('.response-col_status').innerText(), { timeout: UI_TIMEOUT })
      .toMatch(/^200/);
    await expect
      .poll(() => response.locator('.response-col_description').innerText())
      .toContain(email);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'recipe-api-browser-'));
    server = await startServer({
      DATABASE_URL: `sqlite:${join(dir, 'x.db')}`,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      JWT_SECRET: 'browser-test-secret-0123456789-abcdefghijklmnop',
    });
    baseUrl = server.url;

    const signup = await fetch(`${baseUrl}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD, first_name: 'Browser', surname: 'Cook' }),
    });
    expect(signup.status).toBe(201);

    browser = await launchChromium();
  });

  // A context of its own per test: no cookies or local storage left by the one before. The
  // previous one closes only now, so a failure's screenshot (onTestFailed) still has its page.
  beforeEach(async () => {
    await context?.close();
    context = await browser!.newContext();
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should serve the Swagger UI page and the OpenAPI document', async () => {
    const docs = await fetch(`${baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = docs.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/(^|;)script-src 'self'(;|$)/);
    // Would send the browser to https for the UI's assets when /docs is served over plain HTTP.
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(await docs.text()).toContain('swagger-ui');

    const json = await fetch(`${baseUrl}/docs-json`);
    expect(json.status).toBe(200);
    const document = (await json.json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>;
      components: { securitySchemes: Record<string, any> };
    };
    expect(document.components.securitySchemes.oauth2.flows.password).toMatchObject({
      tokenUrl: '/api/v1/auth/login',
      scopes: {
        profile: expect.any(String),
        'recipes:write': expect.any(String),
        'users:admin': expect.any(String),
      },
    });
    expect(document.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    // The CLI plugin ran in `nest build`: every operation documents its success response.
    const withoutSuccess = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(
          ([, operation]) =>
            !Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status)),
        )
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(withoutSuccess).toEqual([]);
    // What `nest build`'s plugin made is what `npm run openapi` wrote (openapi.e2e-spec checks
    // that openapi.json is current).
    const committed = new URL('../../openapi.json', import.meta.url);
    expect(document).toEqual(JSON.parse(readFileSync(committed, 'utf8')));
  });

  /** Logs in through the Authorize dialog (OAuth2 password flow) on a freshly loaded /docs. */
  async function authorize(): Promise<void> {
    await page.goto(`${baseUrl}/docs`);
    await page.locator('.swagger-ui .information-container').waitFor({ timeout: UI_TIMEOUT });
    await page.locator('.auth-wrapper button.authorize').click();

    const dialog = page.locator('.dialog-ux .modal-ux');
    const oauth2 = dialog.locator('.auth-container').filter({ hasText: 'OAuth2, password' });
    await expect
      .poll(() => oauth2.locator('code').first().innerText())
      .toContain('/api/v1/auth/login');
    await oauth2.locator('#oauth_username').fill(email);
    await oauth2.locator('#oauth_password').fill(PASSWORD);
    // The scope checkboxes are styled: the visible target is the label.
    await oauth2.locator('label[for="profile-password-checkbox-oauth2"]').click();
    expect(await oauth2.locator('#profile-password-checkbox-oauth2').isChecked()).toBe(true);
    await oauth2.getByRole('button', { name: 'Apply given OAuth2 credentials' }).click();
    await oauth2.locator('h6', { hasText: 'Authorized' }).waitFor({ timeout: UI_TIMEOUT });
    expect(await oauth2.locator('.errors').count()).toBe(0);
    await oauth2.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await page.locator('.auth-wrapper button.authorize.locked').waitFor({ timeout: UI_TIMEOUT });
  }

  it('should log in through the Authorize dialog and run GET /auth/me with "Try it out"', async () => {
    captureOnFailure('docs-authorize');
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });

    await authorize();
    await tryMe(await expandMe());
    expect(pageErrors).toEqual([]);
  });

  it('should keep the authorization across a reload (persistAuthorization)', async () => {
    captureOnFailure('docs-reload');
    await authorize();
    await page.reload();
    await page.locator('.swagger-ui .information-container').waitFor({ timeout: UI_TIMEOUT });
    await page.locator('.auth-wrapper button.authorize.locked').waitFor({ timeout: UI_TIMEOUT });
    await tryMe(await expandMe());
  });
});

/**
 * "Try it out" + "Execute" on every operation of the document, with the examples exactly as Swagger
 * UI prefills them, on a fresh database: each answers its documented success status. The examples
 * name rows that exist by then: id 1 is the recipe and the user the run creates first. What no
 * request can make with a chosen value (a mailed token, a session id, a refresh token) the test
 * writes into the database, as the example's SHA-256 or id, just before the operation needs it.
 */
describe('Swagger UI: every operation as prefilled', () => {
  const PASSWORD_1 = 'correct horse battery staple';
  let dir: string;
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let db: Database.Database | undefined;
  let page: Page;

  type Op = { operationId: string; tags: string[]; responses: Record<string, unknown> };
  let document: {
    paths: Record<string, Record<string, Op>>;
    components: { schemas: Record<string, { properties: Record<string, { example?: unknown }> }> };
  };
  const byId = new Map<string, Op>();
  const example = (schema: string, property: string) =>
    String(document.components.schemas[schema].properties[property].example);
  const pathExample = (path: string, method: string) =>
    String(
      (
        document.paths[path][method] as unknown as {
          parameters: { schema: { example: unknown } }[];
        }
      ).parameters[0].schema.example,
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'recipe-api-browser-all-'));
    server = await startServer({
      DATABASE_URL: `sqlite:${join(dir, 'x.db')}`,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      JWT_SECRET: 'browser-test-secret-0123456789-abcdefghijklmnop',
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      MFA_REQUIRED_FOR_SUPERUSERS: 'false', // the superuser authorizes with a password alone
    });
    db = new Database(join(dir, 'x.db'));
    db.pragma('busy_timeout = 5000');
    document = (await (await fetch(`${server.url}/docs-json`)).json()) as typeof document;
    for (const item of Object.values(document.paths))
      for (const op of Object.values(item)) byId.set(op.operationId, op);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    db?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const sqlTime = (date: Date) => date.toISOString().replace('T', ' ').replace('Z', '');
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const userId = (email: string) =>
    (db!.prepare('SELECT id FROM users WHERE email = ?').get(email) as { id: number }).id;
  /** A copy of the user's newest session (all its columns, whatever they are) under this id. */
  function copySession(id: string, email: string): void {
    db!.transaction(() => {
      db!.exec('CREATE TEMP TABLE session_copy AS SELECT * FROM sessions WHERE 0');
      db!
        .prepare(
          'INSERT INTO session_copy SELECT * FROM sessions WHERE user_id = ? ORDER BY created_at DESC LIMIT 1',
        )
        .run(userId(email));
      db!.prepare('UPDATE session_copy SET id = ?, revoked_at = NULL').run(id);
      db!.exec('INSERT INTO sessions SELECT * FROM session_copy; DROP TABLE session_copy');
    })();
  }
  function insertMailedToken(email: string, purpose: string, token: string): void {
    db!
      .prepare(
        'INSERT INTO one_time_tokens (user_id, purpose, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(
        userId(email),
        purpose,
        sha256(token),
        sqlTime(new Date()),
        sqlTime(new Date(Date.now() + 600_000)),
      );
  }

  async function openDocs(): Promise<void> {
    await context?.close();
    context = await browser!.newContext();
    page = await context.newPage();
    await page.goto(`${server!.url}/docs`);
    await page.locator('.swagger-ui .information-container').waitFor({ timeout: UI_TIMEOUT });
  }

  /** The Authorize dialog: the password flow comes first and in view; log in with these scopes. */
  async function authorizeAs(username: string, password: string, scopes: string[]): Promise<void> {
    await page.locator('.auth-wrapper button.authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    const first = dialog.locator('.auth-container').first();
    await expect.poll(() => first.innerText()).toContain('OAuth2, password');
    const username_ = first.locator('#oauth_username');
    await expect
      .poll(() =>
        username_.evaluate((input) => {
          const box = input.getBoundingClientRect();
          return box.top >= 0 && box.bottom <= window.innerHeight;
        }),
      )
      .toBe(true);
    await username_.fill(username);
    await first.locator('#oauth_password').fill(password);
    for (const scope of scopes) {
      await first.locator(`label[for="${scope}-password-checkbox-oauth2"]`).click();
    }
    await first.getByRole('button', { name: 'Apply given OAuth2 credentials' }).click();
    await first.locator('h6', { hasText: 'Authorized' }).waitFor({ timeout: UI_TIMEOUT });
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  }

  const done = new Set<string>();

  /**
   * Expands the operation, "Try it out", "Execute" with what is prefilled: its success status.
   * `body` replaces the prefilled JSON body, only where no fixed example can be valid (a code of
   * an authenticator app changes every 30 s). Answers the response body, parsed.
   */
  async function run(operationId: string, body?: object): Promise<any> {
    const op = byId.get(operationId);
    expect(op, `${operationId} is in the document`).toBeDefined();
    const success = Object.keys(op!.responses).find((status) => status.startsWith('2'))!;
    const block = page.locator(`#operations-${op!.tags[0]}-${operationId}`);
    const summary = block.locator('.opblock-summary-control');
    await summary.scrollIntoViewIfNeeded();
    if ((await summary.getAttribute('aria-expanded')) !== 'true') await summary.click();
    await block.getByRole('button', { name: 'Try it out' }).click();
    if (body) await block.locator('textarea.body-param__text').fill(JSON.stringify(body));
    await block.getByRole('button', { name: 'Execute' }).click();
    const status = block.locator('.live-responses-table tbody tr.response .response-col_status');
    await expect
      .poll(
        () =>
          status
            .first()
            .innerText()
            .catch(() => ''),
        { timeout: UI_TIMEOUT },
      )
      .toMatch(/^\d{3}/);
    const answer = await block
      .locator('.live-responses-table tbody tr.response .response-col_description')
      .first()
      .innerText();
    // The answer in the message: a failure shows what the API said.
    expect({ operationId, status: (await status.first().innerText()).slice(0, 3), answer }).toEqual(
      {
        operationId,
        status: success,
        answer: expect.any(String),
      },
    );
    done.add(operationId);
    // The response body: the first block of the answer that is JSON (the headers follow it).
    const blocks = await block
      .locator('.live-responses-table tbody tr.response .response-col_description pre')
      .allInnerTexts();
    for (const text of blocks) {
      try {
        return JSON.parse(text);
      } catch {
        // not the body
      }
    }
    return null;
  }

  const totp = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret) }).generate();

  /** Through the API, as an app would: the token answer, or the mfa_required answer. */
  async function login(username: string, password: string): Promise<Record<string, string>> {
    const answer = await fetch(`${server!.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username, password }),
    });
    return (await answer.json()) as Record<string, string>;
  }

  async function api(token: string, method: string, path: string, body?: object): Promise<any> {
    const answer = await fetch(`${server!.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body && { 'content-type': 'application/json' }),
      },
      body: body && JSON.stringify(body),
    });
    expect(answer.status, `${method} ${path}`).toBeLessThan(300);
    return answer.json();
  }

  it('should answer every operation run with its prefilled example with the documented success', async () => {
    captureOnFailure('docs-every-operation');
    const COOK = example('SignupDto', 'email');
    const ADMIN = 'admin@example.com';

    // Without a token: the public operations. The signup example makes user 1.
    await openDocs();
    for (const id of ['HealthController_live', 'HealthController_ready', 'JwksController_jwks'])
      await run(id);
    await run('AccountController_signup');
    // A superuser to run the admin operations: made through the API, then promoted.
    const signup = await fetch(`${server!.url}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN, password: PASSWORD_1 }),
    });
    expect(signup.status).toBe(201);
    db!.prepare('UPDATE users SET is_superuser = 1 WHERE email = ?').run(ADMIN);
    await run('AuthController_login');
    await run('AccountController_forgotPassword');
    await run('RecipesController_list');
    await run('RecipesController_search');
    const refreshSession = randomUUID();
    copySession(refreshSession, COOK); // the one the login example started
    db!
      .prepare('INSERT INTO refresh_tokens (session_id, token_hash, created_at) VALUES (?, ?, ?)')
      .run(refreshSession, sha256(example('RefreshDto', 'refresh_token')), sqlTime(new Date()));
    await run('AuthController_refresh');

    // The user of the examples, with the scopes of a cook.
    await authorizeAs(COOK, PASSWORD_1, ['profile', 'recipes:write']);
    // An authenticator app, added and removed while the login is recent.
    const enrollment = (await run('MfaController_enroll')) as { secret: string };
    await run('MfaController_confirm', { code: totp(enrollment.secret) });
    await run('MfaController_remove');
    // A passkey, added, used and removed. A software authenticator answers for the browser's
    // (test/browser/passkeys.browser-spec.ts drives Chromium's own), at FRONTEND_URL's default
    // origin, which WEBAUTHN_ORIGINS allows by default.
    const authenticator = new SoftAuthenticator('http://localhost:3000', 'localhost');
    const creation = (await run('PasskeysController_registrationOptions')) as Record<
      string,
      unknown
    >;
    await run('PasskeysController_register', {
      response: authenticator.create(creation),
      name: 'Laptop',
    });
    await run('PasskeysController_list');
    const passkeyLogin = (await run('PasskeyLoginController_options')) as {
      challenge_id: string;
      options: Record<string, unknown>;
    };
    await run('PasskeyLoginController_login', {
      challenge_id: passkeyLogin.challenge_id,
      response: authenticator.get(passkeyLogin.options),
    });
    await run('PasskeysController_remove');
    for (const id of [
      'AuthController_me',
      'UsersController_me',
      'UsersController_updateMe',
      'SessionsController_list',
    ])
      await run(id);
    copySession(pathExample('/api/v1/auth/sessions/{id}', 'delete'), COOK);
    await run('SessionsController_remove');
    await run('AccountController_requestEmailVerification');
    insertMailedToken(COOK, 'email_verification', example('VerifyEmailDto', 'token'));
    await run('AccountController_verifyEmail');
    for (const id of [
      'RecipesController_create',
      'RecipesController_get',
      'RecipesController_update',
      'RecipesController_mine',
      'RecipesController_remove',
    ])
      await run(id);
    if (byId.has('WsTicketController_issue')) await run('WsTicketController_issue');
    await run('UsersController_changePassword');
    await run('AuthController_logout');
    insertMailedToken(COOK, 'password_reset', example('ResetPasswordDto', 'token'));
    await run('AccountController_resetPassword');

    // User 1 with an authenticator app again (through the API), for the second step of a login
    // and for the superuser's operations on it. Its password is the reset example's now.
    const password = example('ResetPasswordDto', 'new_password');
    const { access_token } = await login(COOK, password);
    const { secret } = (await api(access_token, 'POST', '/auth/mfa/totp/enroll')) as {
      secret: string;
    };
    const { recovery_codes } = (await api(access_token, 'POST', '/auth/mfa/totp/confirm', {
      code: totp(secret),
    })) as { recovery_codes: string[] };
    const { mfa_token } = await login(COOK, password);
    expect(mfa_token).toEqual(expect.any(String));
    await run('MfaLoginController_loginMfa', { mfa_token, recovery_code: recovery_codes[0] });

    // A superuser: the user administration on user 1, then deleting their own account.
    await openDocs();
    await authorizeAs(ADMIN, PASSWORD_1, ['profile', 'users:admin']);
    for (const id of [
      'MfaAdminController_get',
      'MfaAdminController_reset',
      'UsersController_list',
      'UsersController_get',
      'UsersController_update',
      'UsersController_remove',
      'UsersController_deleteMe',
    ])
      await run(id);

    expect([...byId.keys()].filter((id) => !done.has(id))).toEqual([]);
  }, 480_000);

  function captureOnFailure(name: string): void {
    onTestFailed(async () => {
      const path = join(tmpdir(), `recipe-api-${name}-${Date.now()}.png`);
      await page?.screenshot({ path }).catch(() => undefined);
      console.error(`screenshot: ${path}\nserver output:\n${server?.output() ?? ''}`);
    });
  }
});
