import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * Cookie mode (REFRESH_COOKIE=true) in Chromium against the built server: an SPA on another
 * origin of the same site keeps its session in the HttpOnly cookie alone, and a page of a foreign
 * origin cannot plant a session in the browser. Both pages and the API are on `localhost`
 * (different ports: one site), where Chromium accepts Secure cookies over plain HTTP.
 * Needs `npm run build` first (`npm run test:browser` does it) and Debian's chromium package.
 */
const PASSWORD = 'correct horse battery staple';

/** A static server on 127.0.0.1 answering every GET with `html`. */
async function servePage(html: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

interface Answer {
  status: number;
  body: Record<string, unknown> | null;
}

/** fetch() from the page, with its cookies (credentials: 'include'); the access token lives in page memory. */
async function call(
  page: Page,
  path: string,
  init: { method?: string; form?: Record<string, string>; json?: unknown; bearer?: boolean } = {},
): Promise<Answer> {
  return page.evaluate(
    async ({ path, init }) => {
      const state = window as unknown as { api: string; accessToken?: string };
      const headers: Record<string, string> = {};
      if (init.bearer) headers.authorization = `Bearer ${state.accessToken}`;
      if (init.json !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${state.api}${path}`, {
        method: init.method ?? 'GET',
        credentials: 'include',
        headers,
        body: init.form
          ? new URLSearchParams(init.form)
          : init.json !== undefined
            ? JSON.stringify(init.json)
            : undefined,
      });
      const text = await response.text();
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
      if (typeof body?.access_token === 'string') state.accessToken = body.access_token;
      return { status: response.status, body };
    },
    { path, init },
  );
}

describe('refresh cookie mode in Chromium', () => {
  let dir: string;
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let spa: { server: Server; origin: string };
  let foreign: { server: Server; origin: string };
  let api: string;
  const email = `cookie-${Date.now()}@example.com`;

  /** Every refresh_token cookie in the browser's jar, whatever its path. */
  const refreshCookies = async (context: BrowserContext) =>
    (await context.cookies()).filter((cookie) => cookie.name === 'refresh_token');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'recipe-api-cookie-'));
    spa = await servePage('<!doctype html><title>SPA</title>');
    // What a hostile site would serve: a plain form posting its sender's credentials to the API.
    foreign = await servePage(
      '<!doctype html><title>Foreign</title><form method="post"><button>Go</button></form>',
    );
    server = await startServer({
      DATABASE_URL: `sqlite:${join(dir, 'x.db')}`,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      JWT_SECRET: 'browser-test-secret-0123456789-abcdefghijklmnop',
      REFRESH_COOKIE: 'true',
      CORS_ORIGINS: spa.origin,
    });
    api = server.url.replace('127.0.0.1', 'localhost');

    const signup = await fetch(`${server.url}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(signup.status).toBe(201);

    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    spa?.server.close();
    foreign?.server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should log in, survive a reload on the cookie alone, and lose the session at logout', async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    const open = async () => {
      await page.goto(spa.origin);
      await page.evaluate((base) => ((window as unknown as { api: string }).api = base), api);
    };
    await open();

    const login = await call(page, '/api/v1/auth/login', {
      method: 'POST',
      form: { username: email, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    const [cookie] = await refreshCookies(context);
    expect(cookie).toMatchObject({
      value: login.body?.refresh_token,
      domain: 'localhost',
      path: '/api/v1/auth',
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
    });

    await page.reload();
    await open();
    expect(
      await page.evaluate(() => (window as unknown as { accessToken?: string }).accessToken),
    ).toBeUndefined();

    // No token in the body: the cookie alone (JSON body, so a credentialed preflight first).
    const refreshed = await call(page, '/api/v1/auth/refresh', { method: 'POST', json: {} });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body?.refresh_token).not.toBe(login.body?.refresh_token);
    const [rotated] = await refreshCookies(context);
    expect(rotated.value).toBe(refreshed.body?.refresh_token);

    const me = await call(page, '/api/v1/auth/me', { bearer: true });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email });

    expect((await call(page, '/api/v1/auth/logout', { method: 'POST', bearer: true })).status).toBe(
      204,
    );
    expect(await refreshCookies(context)).toEqual([]);
    const afterLogout = await call(page, '/api/v1/auth/refresh', { method: 'POST', json: {} });
    expect(afterLogout).toMatchObject({ status: 400, body: { error: 'invalid_request' } });

    // A copy of the last cookie kept somewhere is dead too: logout ended the session on the server.
    await context.addCookies([rotated]);
    const withOldCookie = await call(page, '/api/v1/auth/refresh', { method: 'POST', json: {} });
    expect(withOldCookie).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    await context.close();
  });

  it('should not plant a session cookie from a form on a foreign origin', async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    await page.goto(foreign.origin);
    await page.evaluate(
      ({ action, username, password }) => {
        const form = document.forms[0];
        form.action = action;
        for (const [name, value] of Object.entries({ username, password })) {
          const input = form.appendChild(document.createElement('input'));
          Object.assign(input, { type: 'hidden', name, value });
        }
      },
      { action: `${api}/api/v1/auth/login`, username: email, password: PASSWORD },
    );
    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/login')),
      page.getByRole('button', { name: 'Go' }).click(),
    ]);
    expect(answer.status()).toBe(200);
    expect(await answer.request().headerValue('origin')).toBe(foreign.origin);
    expect(await answer.request().headerValue('content-type')).toBe(
      'application/x-www-form-urlencoded',
    );
    expect(await refreshCookies(context)).toEqual([]);
    await context.close();
  });
});
