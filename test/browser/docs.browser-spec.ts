import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

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
