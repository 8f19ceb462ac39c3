import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { rolldown } from 'rolldown';
import { launchChromium } from '../helpers/browser.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { newEmail, PASSWORD } from '../helpers/factories.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * The example single-page app of the typed client (clients/typescript/example), bundled with
 * rolldown and served from another port of `localhost`, against the built server in cookie mode:
 * log in, list, create, and keep the session across a reload on the HttpOnly cookie alone.
 * Needs `npm run build` first (`npm run test:browser` does it) and Debian's chromium package.
 */
const EXAMPLE = fileURLToPath(new URL('../../clients/typescript/example/', import.meta.url));

/** The example page and its script, bundled for the browser, on 127.0.0.1 (as `localhost`). */
async function serveExample(): Promise<{ server: Server; origin: string }> {
  const bundle = await rolldown({ input: `${EXAMPLE}app.ts`, platform: 'browser' });
  const { output } = await bundle.generate({ format: 'esm' });
  await bundle.close();
  const files: Record<string, [string, string]> = {
    '/': ['text/html; charset=utf-8', readFileSync(`${EXAMPLE}index.html`, 'utf8')],
    '/app.js': ['text/javascript; charset=utf-8', output[0].code],
  };
  const server = createServer((request, response) => {
    const file = files[new URL(request.url ?? '/', 'http://x').pathname];
    if (!file) return response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

describe('the typed client example page in Chromium', () => {
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let spa: { server: Server; origin: string } | undefined;
  let api: string;

  beforeAll(async () => {
    spa = await serveExample();
    database = await createTestDatabase();
    server = await startServer({
      DATABASE_URL: database.url,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      JWT_SECRET: 'browser-test-secret-0123456789-abcdefghijklmnop',
      REFRESH_COOKIE: 'true',
      CORS_ORIGINS: spa.origin,
    });
    // The page and the API on one site (localhost, two ports): the SameSite=Strict cookie flows.
    api = server.url.replace('127.0.0.1', 'localhost');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
    spa?.server.close();
  });

  beforeEach(({ onTestFailed }) => onTestFailed(() => console.error(server?.output())));

  async function signup(): Promise<string> {
    const email = newEmail();
    const response = await fetch(`${server!.url}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(response.status).toBe(201);
    return email;
  }

  const status = (page: Page) => page.getByRole('status');
  const listed = (page: Page) => page.getByRole('listitem').allTextContents();
  /** What the page's client holds: never a refresh token in cookie mode. */
  const held = (page: Page) =>
    page.evaluate(() =>
      (globalThis as unknown as { recipeClient: { tokens(): unknown } }).recipeClient.tokens(),
    );

  it('should log in, list and create recipes, and keep the session across a reload', async () => {
    const email = await signup();
    const context = await browser!.newContext();
    const page = await context.newPage();
    const refreshes: number[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/api/v1/auth/refresh')) refreshes.push(response.status());
    });
    await page.goto(`${spa!.origin}/?api=${encodeURIComponent(api)}`);

    // No cookie yet: the page's attempt to resume a session is refused, so it asks to log in.
    await expect.poll(() => status(page).textContent()).toBe('Please log in.');
    expect(refreshes).toEqual([400]);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => status(page).textContent()).toBe('0 recipe(s)');
    await expect.poll(() => page.locator('#who').textContent()).toBe(email);
    expect(await held(page)).toEqual({ access_token: expect.any(String) });

    await page.getByLabel('Label').fill('Chicken Vesuvio');
    await page.getByRole('button', { name: 'Add recipe' }).click();
    await expect.poll(() => status(page).textContent()).toBe('1 recipe(s)');
    expect(await listed(page)).toEqual(['Chicken Vesuvio']);

    // A reload forgets the access token; the client refreshes from the HttpOnly cookie.
    await page.reload();
    await expect.poll(() => status(page).textContent()).toBe('1 recipe(s)');
    expect(await listed(page)).toEqual(['Chicken Vesuvio']);
    expect(refreshes).toEqual([400, 200]);
    expect(await page.evaluate(() => document.cookie)).not.toContain('refresh_token');
    expect(await held(page)).toEqual({ access_token: expect.any(String) });

    // Invalid input comes back as problem details, shown field by field.
    await page.getByLabel('Label').fill('x'.repeat(300));
    await page.getByRole('button', { name: 'Add recipe' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('label');

    await page.getByRole('button', { name: 'Log out' }).click();
    await expect.poll(() => status(page).textContent()).toBe('Please log in.');
    expect(await held(page)).toBeNull();
    await page.reload();
    await expect.poll(() => status(page).textContent()).toBe('Please log in.');
    expect(refreshes).toEqual([400, 200, 400]);
    await context.close();
  });
});
