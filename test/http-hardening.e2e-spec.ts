import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { symbols, type Logger } from 'pino';
import { PINO } from '../src/logging/logger.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { expectOAuthError, expectProblemJson, type ProblemBody } from './helpers/expect.js';
import {
  createRecipe,
  createUser,
  newEmail,
  PASSWORD,
  type TestUser,
} from './helpers/factories.js';
import type { RecipeRow } from './helpers/rows.js';

const LOGIN = '/api/v1/auth/login';
const SIGNUP = '/api/v1/auth/signup';
const RECIPES = '/api/v1/recipes';
const BOUNDARY = 'hardening-boundary';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
const URLENCODED = 'application/x-www-form-urlencoded';

// Every variable these specs depend on: createTestApp's env outlives one app in this process.
const ENV = {
  REQUEST_TIMEOUT_SECONDS: '30',
  BODY_LIMIT_BYTES: String(100 * 1024),
  RATE_LIMIT_ENABLED: 'true',
  AUTH_RATE_LIMIT_PER_MINUTE: '10000',
  TRUST_PROXY: 'false',
};

// Helmet's headers, which every answer carries (see test/health.e2e-spec.ts for the full set).
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'referrer-policy': 'no-referrer',
};

interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
}

/** A multipart/form-data body with these parts (a filename makes a part a file). */
function multipart(parts: Part[]): Buffer {
  const chunks = parts.flatMap(({ name, value, filename }) => [
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"` +
        (filename ? `; filename="${filename}"\r\nContent-Type: application/octet-stream` : '') +
        '\r\n\r\n',
    ),
    Buffer.from(value),
    Buffer.from('\r\n'),
  ]);
  return Buffer.concat([...chunks, Buffer.from(`--${BOUNDARY}--\r\n`)]);
}

/** `depth` arrays inside each other: [[[…]]]. */
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** A raw HTTP response split into status, lower-cased headers and body. */
interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function parseRaw(text: string): RawResponse {
  const [head, ...rest] = text.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
}

/** Writes `text` on a new connection and collects what the server sends until it closes it. */
function exchange(port: number, text: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => resolve(parseRaw(received)));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may reset a connection whose bytes it left unread, after its answer.
      if (error.code !== 'ECONNRESET' || !received) reject(error);
    });
    socket.write(text);
  });
}

function expectRawProblem(response: RawResponse, status: number): ProblemBody {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.headers).toMatchObject(SECURITY_HEADERS);
  const problem = JSON.parse(response.body) as ProblemBody;
  expect(problem).toMatchObject({
    type: 'about:blank',
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
  return problem;
}

describe('HTTP hardening', () => {
  let t: TestApp;
  let port: number;
  let cook: TestUser;
  let admin: TestUser;
  let recipeId: number;

  const recipeRows = () => t.sql<RecipeRow[]>('SELECT * FROM recipes ORDER BY id');
  const usersWithEmail = (email: string) =>
    t.sql<unknown[]>('SELECT id FROM users WHERE email = ?', [email]);
  const sessionCount = async (userId: number) =>
    (
      await t.sql<{ n: number }[]>('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', [userId])
    )[0].n;

  const postRecipe = (
    payload: string | Buffer,
    contentType = 'application/json',
  ): InjectOptions => ({
    method: 'POST',
    url: RECIPES,
    headers: { ...cook.auth, 'content-type': contentType },
    payload,
  });

  beforeAll(async () => {
    t = await createTestApp(ENV);
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    cook = await createUser(t);
    admin = await createUser(t, { superuser: true });
    recipeId = (await createRecipe(t, cook)).id;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('one screening of every body, before anything converts it', () => {
    it('should answer invalid_request, not 500, to a login with 2,000 levels of nesting in an extra field', async () => {
      const before = await sessionCount(cook.id);

      const response = await t.request({
        method: 'POST',
        url: LOGIN,
        headers: { 'content-type': 'application/json' },
        payload: `{"username":"${cook.email}","password":"${PASSWORD}","x":${nested(2000)}}`,
      });

      expectOAuthError(response, 'invalid_request', {
        description: /must not nest deeper than 32 levels/,
      });
      expect(response.body).not.toMatch(/RangeError|call stack/);
      expect(await sessionCount(cook.id)).toBe(before);
    });

    it('should answer invalid_request to a login whose username nests deeper than the limit', async () => {
      const response = await t.request({
        method: 'POST',
        url: LOGIN,
        headers: { 'content-type': 'application/json' },
        payload: `{"username":${nested(40)},"password":"${PASSWORD}"}`,
      });

      expectOAuthError(response, 'invalid_request', {
        description: /^username(\.0)*: must not nest deeper/,
      });
    });

    it('should answer 400 with the field to a deeply nested signup and create no user', async () => {
      const email = newEmail();

      const response = await t.request({
        method: 'POST',
        url: SIGNUP,
        headers: { 'content-type': 'application/json' },
        payload: `{"email":"${email}","password":"${PASSWORD}","first_name":${nested(2000)}}`,
      });

      const problem = expectProblemJson(response, 400, {
        type: 'urn:recipe-api:problem:validation-failed',
      });
      expect(problem.errors).toEqual([
        {
          field: expect.stringMatching(/^first_name(\.0)+$/),
          message: 'must not nest deeper than 32 levels',
        },
      ]);
      await expect(usersWithEmail(email)).resolves.toEqual([]);
    });

    it('should keep a query string flat however deep its brackets go (no qs-style nesting)', async () => {
      const response = await t.request({
        method: 'GET',
        url: `${RECIPES}?x${'[a]'.repeat(2000)}=1&limit=1`,
      });

      expect(response.statusCode).toBe(200);
      expect(response.json<{ items: unknown[] }>().items).toHaveLength(1);
    });

    it('should keep an urlencoded login flat however deep its brackets go', async () => {
      const form = new URLSearchParams({ username: cook.email, password: PASSWORD }).toString();

      const response = await t.request({
        method: 'POST',
        url: LOGIN,
        headers: { 'content-type': URLENCODED },
        payload: `${form}&x${'[a]'.repeat(2000)}=1`,
      });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ token_type: 'bearer' });
    });
  });

  describe('strings that are not well-formed Unicode', () => {
    it('should answer 400 to a lone surrogate in a recipe label and store nothing', async () => {
      const before = await recipeRows();

      const response = await t.request(postRecipe('{"label":"lone \\ud800 x"}'));

      const problem = expectProblemJson(response, 400, {
        type: 'urn:recipe-api:problem:validation-failed',
      });
      expect(problem.errors).toEqual([
        { field: 'label', message: 'must be well-formed Unicode (no lone surrogates)' },
      ]);
      expect(await recipeRows()).toEqual(before);
    });

    it('should answer 400 to a lone low surrogate in a recipe change and leave the recipe alone', async () => {
      const before = await recipeRows();

      const response = await t.request({
        method: 'PATCH',
        url: `${RECIPES}/${recipeId}`,
        headers: { ...cook.auth, 'content-type': 'application/json' },
        payload: '{"source":"\\udc00"}',
      });

      expectProblemJson(response, 400, {
        errors: [{ field: 'source', message: expect.stringMatching(/well-formed/) }],
      });
      expect(await recipeRows()).toEqual(before);
    });

    it('should answer invalid_request to a lone surrogate in a login username', async () => {
      const response = await t.request({
        method: 'POST',
        url: LOGIN,
        headers: { 'content-type': 'application/json' },
        payload: `{"username":"\\ud83d${cook.email}","password":"${PASSWORD}"}`,
      });

      expectOAuthError(response, 'invalid_request', {
        description: /^username: must be well-formed Unicode/,
      });
    });

    it('should store and answer a surrogate pair (an emoji) unchanged', async () => {
      const response = await t.request(postRecipe('{"label":"pair \\ud83d\\ude00 x"}'));

      expect(response.statusCode).toBe(201);
      const { id } = response.json<{ id: number }>();
      const read = await t.request({ method: 'GET', url: `${RECIPES}/${id}` });
      expect(read.json()).toMatchObject({ label: 'pair 😀 x' });
      const [row] = await t.sql<RecipeRow[]>('SELECT label FROM recipes WHERE id = ?', [id]);
      expect(row.label).toBe('pair 😀 x');
    });
  });

  describe('multipart bodies', () => {
    it.each([
      ['a 1 MiB file part', 'avatar.png'],
      ['a 1 MiB text field', undefined],
    ])('should answer 413 to a signup with %s and create no user', async (_case, filename) => {
      const email = newEmail();

      const response = await t.request({
        method: 'POST',
        url: SIGNUP,
        headers: { 'content-type': MULTIPART },
        payload: multipart([
          { name: 'email', value: email },
          { name: 'password', value: PASSWORD },
          { name: 'avatar', value: Buffer.alloc(1024 * 1024, 'a'), filename },
        ]),
      });

      expectProblemJson(response, 413, { status: 413 });
      await expect(usersWithEmail(email)).resolves.toEqual([]);
    });

    it('should answer 415 to a signup with a small file part and create no user', async () => {
      const email = newEmail();

      const response = await t.request({
        method: 'POST',
        url: SIGNUP,
        headers: { 'content-type': MULTIPART },
        payload: multipart([
          { name: 'email', value: email },
          { name: 'password', value: PASSWORD },
          { name: 'avatar', value: 'GIF89a', filename: 'avatar.gif' },
        ]),
      });

      expectProblemJson(response, 415, { type: 'urn:recipe-api:problem:file-not-accepted' });
      await expect(usersWithEmail(email)).resolves.toEqual([]);
    });

    it('should answer 413 to a 10 MB multipart recipe and store nothing', async () => {
      const before = await recipeRows();

      const response = await t.request(
        postRecipe(
          multipart([
            { name: 'label', value: 'Chicken Vesuvio' },
            { name: 'source', value: 'y'.repeat(10 * 1024 * 1024) },
          ]),
          MULTIPART,
        ),
      );

      expectProblemJson(response, 413, { status: 413 });
      expect(await recipeRows()).toEqual(before);
    });

    it('should answer 413 to small text fields that add up to more than the body limit', async () => {
      const before = await recipeRows();
      const fields = Array.from({ length: 12 }, (_, i) => ({
        name: `note${i}`,
        value: 'z'.repeat(9 * 1024),
      }));

      const response = await t.request(
        postRecipe(multipart([{ name: 'label', value: 'Chicken Vesuvio' }, ...fields]), MULTIPART),
      );

      expectProblemJson(response, 413, { status: 413 });
      expect(await recipeRows()).toEqual(before);
    });

    it('should answer a token-endpoint error to a login with a file part', async () => {
      const response = await t.request({
        method: 'POST',
        url: LOGIN,
        headers: { 'content-type': MULTIPART },
        payload: multipart([
          { name: 'username', value: cook.email },
          { name: 'password', value: PASSWORD },
          { name: 'key', value: 'secret', filename: 'key.pem' },
        ]),
      });

      expectOAuthError(response, 'invalid_request', { status: 415, description: /no files/ });
    });

    it('should still sign up and log in with multipart text fields (the tutorial SPA)', async () => {
      const email = newEmail();
      const signup = await t.request({
        method: 'POST',
        url: SIGNUP,
        headers: { 'content-type': MULTIPART },
        payload: multipart([
          { name: 'email', value: email },
          { name: 'password', value: PASSWORD },
          { name: 'first_name', value: 'Ada' },
        ]),
      });
      expect(signup.statusCode).toBe(201);
      expect(signup.json()).toMatchObject({ email, first_name: 'Ada' });

      const response = await t.request({
        method: 'POST',
        url: LOGIN,
        headers: { 'content-type': MULTIPART },
        payload: multipart([
          { name: 'grant_type', value: 'password' },
          { name: 'username', value: email },
          { name: 'password', value: PASSWORD },
        ]),
      });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ token_type: 'bearer' });
    });

    it('should answer invalid_request to a multipart login that sends grant_type twice', async () => {
      const response = await t.request({
        method: 'POST',
        url: LOGIN,
        headers: { 'content-type': MULTIPART },
        payload: multipart([
          { name: 'grant_type', value: 'password' },
          { name: 'grant_type', value: 'password' },
          { name: 'username', value: cook.email },
          { name: 'password', value: PASSWORD },
        ]),
      });

      expectOAuthError(response, 'invalid_request', {
        description: /grant_type must be sent once/,
      });
    });

    it('should answer 400 to a multipart field named __proto__', async () => {
      const before = await recipeRows();

      const response = await t.request(
        postRecipe(
          multipart([
            { name: '__proto__', value: 'x' },
            { name: 'label', value: 'Proto' },
          ]),
          MULTIPART,
        ),
      );

      expectProblemJson(response, 400, { status: 400 });
      expect(await recipeRows()).toEqual(before);
    });
  });

  describe('framework refusals', () => {
    it('should answer 414 problem+json with the security headers to an over-long id, echoing none of it', async () => {
      const id = `%3Cscript%3Ealert(1)%3C%2Fscript%3E${'9'.repeat(150)}`;

      const response = await t.request({ method: 'GET', url: `${RECIPES}/${id}` });

      expectProblemJson(response, 414, { type: 'about:blank', title: 'URI Too Long', status: 414 });
      expect(response.headers).toMatchObject(SECURITY_HEADERS);
      expect(response.body).not.toMatch(/script|999|FST_/);
    });

    it('should answer 400 problem+json with the security headers to a malformed URL (%ff)', async () => {
      const response = await t.request({ method: 'GET', url: `${RECIPES}/%ff` });

      expectProblemJson(response, 400, { type: 'about:blank', title: 'Bad Request', status: 400 });
      expect(response.headers).toMatchObject(SECURITY_HEADERS);
      expect(response.body).not.toMatch(/%ff|FST_/i);
    });

    it('should answer 431 problem+json with the security headers to headers over the size limit', async () => {
      const response = await exchange(
        port,
        `GET ${RECIPES} HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`,
      );

      expectRawProblem(response, 431);
    });

    it('should answer 400 problem+json with the security headers to a request that is not HTTP', async () => {
      const response = await exchange(port, 'HELLO THERE\r\n\r\n');

      expectRawProblem(response, 400);
    });
  });

  describe('Cache-Control on personal data', () => {
    const routes: [string, () => InjectOptions][] = [
      ['GET /auth/me', () => ({ method: 'GET', url: '/api/v1/auth/me', headers: cook.auth })],
      [
        'GET /auth/sessions',
        () => ({ method: 'GET', url: '/api/v1/auth/sessions', headers: cook.auth }),
      ],
      ['GET /users/me', () => ({ method: 'GET', url: '/api/v1/users/me', headers: cook.auth })],
      [
        'PATCH /users/me',
        () => ({
          method: 'PATCH',
          url: '/api/v1/users/me',
          headers: cook.auth,
          payload: { first_name: 'Ada' },
        }),
      ],
      ['GET /users', () => ({ method: 'GET', url: '/api/v1/users', headers: admin.auth })],
      [
        'GET /users/{id}',
        () => ({ method: 'GET', url: `/api/v1/users/${cook.id}`, headers: admin.auth }),
      ],
      [
        'PATCH /users/{id}',
        () => ({
          method: 'PATCH',
          url: `/api/v1/users/${cook.id}`,
          headers: admin.auth,
          payload: { surname: 'L' },
        }),
      ],
      [
        'GET /recipes/my-recipes',
        () => ({ method: 'GET', url: `${RECIPES}/my-recipes`, headers: cook.auth }),
      ],
    ];

    it.each(routes)('should send Cache-Control: no-store on %s', async (_route, options) => {
      const response = await t.request(options());

      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it.each([
      ['GET /recipes', () => RECIPES, undefined],
      ['GET /recipes/{id}', () => `${RECIPES}/${recipeId}`, undefined],
      ['GET /health', () => '/health', undefined],
      ['GET /health/ready', () => '/health/ready', 'no-cache, no-store, must-revalidate'],
      ['GET /.well-known/jwks.json', () => '/.well-known/jwks.json', 'public, max-age=300'],
    ])('should keep the caching of the public %s', async (_route, url, cacheControl) => {
      const response = await t.request({ method: 'GET', url: url() });

      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe(cacheControl);
    });
  });

  describe('logs', () => {
    /** The JSON lines the application logs while `run` runs, at level info. */
    async function captureLogs(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
      const root = t.app.get<Logger>(PINO);
      const stream = (root as unknown as Record<symbol, { write(line: string): boolean }>)[
        symbols.streamSym
      ];
      const lines: string[] = [];
      const write = vi
        .spyOn(stream, 'write')
        .mockImplementation((line: string) => lines.push(line) > 0);
      const level = root.level;
      root.level = 'info';
      try {
        await run();
      } finally {
        root.level = level;
        write.mockRestore();
      }
      return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    }

    it('should log the path of a request without its query string (credentials sent in the URL)', async () => {
      const password = 'hunter2-in-the-url';
      const logs = await captureLogs(async () => {
        const login = await t.request({
          method: 'POST',
          url: `${LOGIN}?username=${encodeURIComponent(cook.email)}&password=${password}`,
        });
        expectOAuthError(login, 'invalid_request');
        const me = await t.request({
          method: 'GET',
          url: `/api/v1/auth/me?access_token=${cook.token}`,
        });
        expect(me.statusCode).toBe(401);
      });

      const urls = logs
        .map((line) => (line.req as { url?: string } | undefined)?.url)
        .filter(Boolean);
      expect(urls).toEqual([LOGIN, '/api/v1/auth/me']);
      const text = JSON.stringify(logs);
      expect(text).not.toContain(password);
      expect(text).not.toContain(cook.token);
    });

    it('should log each request once when answered: /health, 404s and refusals included', async () => {
      const logs = await captureLogs(async () => {
        for (const url of ['/health', '/nowhere', '/api/v1/auth/me', `${RECIPES}?limit=1`])
          await t.request({
            method: 'GET',
            url,
            headers: { 'x-request-id': `probe-${url.length}` },
          });
      });

      expect(logs).toEqual([
        expect.objectContaining({
          level: 30,
          msg: 'request completed',
          req: { id: 'probe-7', method: 'GET', url: '/health' },
          res: { statusCode: 200 },
          responseTime: expect.any(Number),
        }),
        expect.objectContaining({
          req: expect.objectContaining({ url: '/nowhere' }),
          res: { statusCode: 404 },
        }),
        expect.objectContaining({
          req: expect.objectContaining({ url: '/api/v1/auth/me' }),
          res: { statusCode: 401 },
        }),
        expect.objectContaining({
          req: expect.objectContaining({ url: RECIPES }),
          res: { statusCode: 200 },
        }),
      ]);
    });
  });

  describe('request id', () => {
    it('should answer a generated UUID as X-Request-Id, success or error', async () => {
      const [health, missing] = await Promise.all([
        t.request({ method: 'GET', url: '/health' }),
        t.request({ method: 'GET', url: '/nowhere' }),
      ]);

      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      expect(health.headers['x-request-id']).toMatch(uuid);
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['x-request-id']).toMatch(uuid);
      expect(missing.headers['x-request-id']).not.toBe(health.headers['x-request-id']);
    });

    it("should keep a caller's X-Request-Id", async () => {
      const response = await t.request({
        method: 'GET',
        url: '/health',
        headers: { 'x-request-id': 'lb-7f3a:42.1_a-b' },
      });

      expect(response.headers['x-request-id']).toBe('lb-7f3a:42.1_a-b');
    });

    it.each([
      ['too long', 'a'.repeat(129)],
      ['spaces and quotes', 'x" injected="1'],
      ['a JSON fragment', '{"level":60}'],
    ])('should replace an X-Request-Id that is %s with its own', async (_case, id) => {
      const response = await t.request({
        method: 'GET',
        url: '/health',
        headers: { 'x-request-id': id },
      });

      expect(response.statusCode).toBe(200);
      expect(response.headers['x-request-id']).not.toBe(id);
      expect(response.headers['x-request-id']).toHaveLength(36);
    });
  });
});

describe('HTTP hardening under the per-IP rate limit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ...ENV, AUTH_RATE_LIMIT_PER_MINUTE: '1' });
  });
  afterAll(async () => {
    await t.close();
  });

  const signup = (payload: Buffer): InjectOptions => ({
    method: 'POST',
    url: SIGNUP,
    remoteAddress: '203.0.113.7',
    headers: { 'content-type': MULTIPART },
    payload,
  });
  const usersWithEmail = (email: string) =>
    t.sql<unknown[]>('SELECT id FROM users WHERE email = ?', [email]);

  it('should answer 413 to a limited client sending 10 MB of multipart, and 429 to its next form', async () => {
    const first = newEmail();
    expect(
      (
        await t.request(
          signup(
            multipart([
              { name: 'email', value: first },
              { name: 'password', value: PASSWORD },
            ]),
          ),
        )
      ).statusCode,
    ).toBe(201);

    const huge: LightMyRequestResponse = await t.request(
      signup(
        multipart([
          { name: 'email', value: newEmail() },
          { name: 'password', value: 'p'.repeat(10 * 1024 * 1024) },
        ]),
      ),
    );
    const email = newEmail();
    const next = await t.request(
      signup(
        multipart([
          { name: 'email', value: email },
          { name: 'password', value: PASSWORD },
        ]),
      ),
    );

    expectProblemJson(huge, 413, { status: 413 });
    expectProblemJson(next, 429, { type: 'urn:recipe-api:problem:too-many-requests' });
    await expect(usersWithEmail(email)).resolves.toEqual([]);
  });
});

describe('HTTP hardening: request timeouts', () => {
  let t: TestApp;
  let port: number;

  const usersWithEmail = (email: string) =>
    t.sql<unknown[]>('SELECT id FROM users WHERE email = ?', [email]);

  beforeAll(async () => {
    t = await createTestApp({ ...ENV, REQUEST_TIMEOUT_SECONDS: '1' });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t.close();
  });

  it('should answer 408 problem+json and close the connection when a body stalls after the headers', async () => {
    const email = newEmail();

    const response = await exchange(
      port,
      `POST ${SIGNUP} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
        `Content-Length: 200\r\n\r\n{"email":"${email}","pass`,
    );

    expectRawProblem(response, 408);
    expect(response.headers.connection).toBe('close');
    await expect(usersWithEmail(email)).resolves.toEqual([]);
  });

  it('should answer 408 problem+json when a body to an unknown route stalls', async () => {
    const response = await exchange(
      port,
      `POST /api/v1/no-such-route HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
        `Content-Length: 200\r\n\r\n{"a":`,
    );

    expectRawProblem(response, 408);
  });

  it('should answer 408 problem+json when the headers stall', async () => {
    const response = await exchange(port, `GET ${RECIPES} HTTP/1.1\r\nHost: localhost\r\n`);

    expectRawProblem(response, 408);
  });
});
