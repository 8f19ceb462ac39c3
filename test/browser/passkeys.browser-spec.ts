import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { newEmail, PASSWORD } from '../helpers/factories.js';
import { decodeJwt } from '../helpers/jwt.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * Passkeys in Chromium against the built server: Chromium's virtual authenticator (a platform
 * authenticator with resident keys and user verification, driven over CDP) registers a passkey
 * through navigator.credentials.create() and logs in with it alone through .get(), from a page
 * on http://localhost (relying party id `localhost`, a secure context over plain HTTP).
 * Needs `npm run build` first (`npm run test:browser` does it) and Debian's chromium package.
 */

/** A page on localhost that only holds the script below; the API is another port of localhost. */
async function servePage(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_request, response) => {
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<!doctype html><title>Passkeys</title>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

interface Answer {
  status: number;
  body: Record<string, unknown> | null;
}

/** fetch() from the page; `token` is sent as the bearer token. */
function call(
  page: Page,
  path: string,
  init: { json?: unknown; token?: string; method?: string } = {},
) {
  return page.evaluate(
    async ({ path, init }): Promise<Answer> => {
      const api = (window as unknown as { api: string }).api;
      const headers: Record<string, string> = {};
      if (init.token) headers.authorization = `Bearer ${init.token}`;
      if (init.json !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${api}${path}`, {
        method: init.method ?? 'POST',
        headers,
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    { path, init },
  );
}

/** navigator.credentials.create() with the server's JSON options; the credential as JSON. */
function create(page: Page, options: unknown): Promise<Record<string, unknown>> {
  return page.evaluate(async (options) => {
    const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(
      options as PublicKeyCredentialCreationOptionsJSON,
    );
    const credential = (await navigator.credentials.create({ publicKey })) as PublicKeyCredential;
    return credential.toJSON() as unknown as Record<string, unknown>;
  }, options);
}

/** navigator.credentials.get() with the server's JSON options; the assertion as JSON. */
function get(page: Page, options: unknown): Promise<Record<string, unknown>> {
  return page.evaluate(async (options) => {
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(
      options as PublicKeyCredentialRequestOptionsJSON,
    );
    const credential = (await navigator.credentials.get({ publicKey })) as PublicKeyCredential;
    return credential.toJSON() as unknown as Record<string, unknown>;
  }, options);
}

describe('passkeys in Chromium', () => {
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let site: { server: Server; origin: string } | undefined;

  beforeAll(async () => {
    site = await servePage();
    database = await createTestDatabase();
    server = await startServer({
      DATABASE_URL: database.url,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      JWT_SECRET: 'browser-test-secret-0123456789-abcdefghijklmnop',
      CORS_ORIGINS: site.origin,
      WEBAUTHN_RP_ID: 'localhost',
      WEBAUTHN_ORIGINS: site.origin,
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
    site?.server.close();
  });

  beforeEach(({ onTestFailed }) => onTestFailed(() => console.error(server?.output())));

  /** A new account and a fresh password login's access token. */
  async function signupAndLogin(): Promise<string> {
    const email = newEmail();
    const base = `${server!.url}/api/v1/auth`;
    const signup = await fetch(`${base}/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(signup.status).toBe(201);
    const login = await fetch(`${base}/login`, {
      method: 'POST',
      body: new URLSearchParams({ username: email, password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    return ((await login.json()) as { access_token: string }).access_token;
  }

  /** A page of the site with a virtual platform authenticator attached. */
  async function pageWithAuthenticator(): Promise<{ page: Page; cdp: CDPSession; id: string }> {
    const context = await browser!.newContext();
    const page = await context.newPage();
    await page.goto(site!.origin);
    const api = `${server!.url.replace('127.0.0.1', 'localhost')}/api/v1`;
    await page.evaluate((api) => ((window as unknown as { api: string }).api = api), api);
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    return { page, cdp, id: authenticatorId };
  }

  it('should register a passkey and log in with it alone, once per challenge', async () => {
    const token = await signupAndLogin();
    const { page, cdp, id } = await pageWithAuthenticator();

    const options = await call(page, '/auth/passkeys/register/options', { token });
    expect(options.status).toBe(200);
    expect(options.body).toMatchObject({
      rp: { id: 'localhost', name: 'Recipe API' },
      attestation: 'none',
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    const created = await create(page, options.body);
    const registered = await call(page, '/auth/passkeys/register', {
      token,
      json: { response: created, name: 'Laptop' },
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ name: 'Laptop', last_used_at: null });

    // The authenticator holds a discoverable credential for localhost: the one registered.
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId: id });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });

    const start = await call(page, '/auth/passkeys/login/options');
    expect(start.status).toBe(200);
    const { challenge_id, options: loginOptions } = start.body as {
      challenge_id: string;
      options: { allowCredentials?: unknown[] };
    };
    expect(loginOptions.allowCredentials ?? []).toEqual([]);
    const assertion = await get(page, loginOptions);
    expect(assertion.id).toBe(created.id);
    const login = await call(page, '/auth/passkeys/login', {
      json: { challenge_id, response: assertion },
    });
    expect(login.status).toBe(200);
    const accessToken = (login.body as { access_token: string }).access_token;
    expect(decodeJwt(accessToken).payload).toMatchObject({ amr: ['hwk'] });

    // The same answer again: its challenge is spent.
    const replay = await call(page, '/auth/passkeys/login', {
      json: { challenge_id, response: assertion },
    });
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: 'invalid_grant' });

    // The new session sees its passkey used, and its factors.
    const list = await call(page, '/auth/passkeys', { token: accessToken, method: 'GET' });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      expect.objectContaining({ name: 'Laptop', last_used_at: expect.any(String) }),
    ]);
    const me = await call(page, '/auth/me', { token: accessToken, method: 'GET' });
    expect(me.body).toMatchObject({ factors: ['passkey'] });
  });
});
