import type { LightMyRequestResponse } from 'fastify';
import type { TokenDto as Token } from '../src/auth/dto/token.dto.js';
import type { RecipeDto as Recipe } from '../src/recipes/dto/recipe.dto.js';
import type { UserDto as User } from '../src/users/dto/user.dto.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { newEmail, PASSWORD } from './helpers/factories.js';

/**
 * The Ultimate FastAPI Tutorial's part-12 React front end, replayed request by request:
 * axios with baseURL `${apiBasePath}/api/v1`, served from another origin, a bearer header on
 * every call once logged in (its interceptor replaces all headers with just Authorization).
 */
const SPA_ORIGIN = 'http://localhost:3000';
const EVIL_ORIGIN = 'https://evil.example';
// What axios sends for a plain-object body once the interceptor has dropped the other headers.
const AXIOS_JSON = 'application/json;charset=utf-8';

/** The body a browser builds for `new FormData()` with these fields. */
function multipart(fields: Record<string, string>): { body: string; contentType: string } {
  const boundary = '----WebKitFormBoundaryuL67FWdwEzr4X7tZ';
  const parts = Object.entries(fields).map(
    ([name, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return {
    body: `${parts.join('')}--${boundary}--\r\n`,
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** What jwt-decode reads: the second segment of the token as JSON. */
function decodeJwtPayload(token: string): Record<string, unknown> {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function expectCorsAllowed(response: LightMyRequestResponse): void {
  expect(response.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
}

describe('front-end compatibility (Ultimate FastAPI Tutorial, part 12)', () => {
  let t: TestApp;

  const preflight = (url: string, method: string, requestHeaders: string, origin = SPA_ORIGIN) =>
    t.request({
      method: 'OPTIONS',
      url,
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': requestHeaders,
      },
    });

  /** client.register(email, password, fullName) */
  const register = (email: string, isActive = true) =>
    t.request({
      method: 'POST',
      url: '/api/v1/auth/signup',
      headers: { origin: SPA_ORIGIN, 'content-type': AXIOS_JSON },
      payload: JSON.stringify({
        email,
        password: PASSWORD,
        full_name: 'Ada Lovelace',
        is_active: isActive,
      }),
    });

  /** client.login(username, password): FormData with grant_type, username, password, no bearer yet. */
  const login = (username: string, password = PASSWORD) => {
    const form = multipart({ grant_type: 'password', username, password });
    return t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { origin: SPA_ORIGIN, 'content-type': form.contentType },
      payload: form.body,
    });
  };

  /** Signs up and logs in the way the SPA does, answering the bearer headers it then sends. */
  const signedIn = async () => {
    const email = newEmail();
    expect((await register(email)).statusCode).toBe(201);
    const token = (await login(email)).json<Token>();
    return {
      email,
      headers: { origin: SPA_ORIGIN, authorization: `Bearer ${token.access_token}` },
    };
  };

  beforeAll(async () => {
    t = await createTestApp({ CORS_ORIGINS: `${SPA_ORIGIN},http://localhost:5173` });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('sign up: POST /auth/signup', () => {
    it('should pass the preflight for a JSON body', async () => {
      const response = await preflight('/api/v1/auth/signup', 'POST', 'content-type');

      expect(response.statusCode).toBe(204);
      expectCorsAllowed(response);
      expect(response.headers['access-control-allow-headers']?.toLowerCase()).toContain(
        'content-type',
      );
    });

    it('should create the account and ignore full_name and is_active', async () => {
      const email = newEmail();
      const response = await register(email, false);

      expect(response.statusCode).toBe(201);
      expectCorsAllowed(response);
      const user = response.json<User & Record<string, unknown>>();
      expect(user).toMatchObject({ email, is_active: true, first_name: null });
      expect(user).not.toHaveProperty('full_name');
      expect(user).not.toHaveProperty('password');
      const [row] = await t.sql<{ is_active: number; first_name: string | null }[]>(
        'SELECT is_active, first_name FROM users WHERE email = ?',
        [email],
      );
      expect(row).toEqual({ is_active: 1, first_name: null });
      expect((await login(email)).statusCode).toBe(200);
    });
  });

  describe('log in: POST /auth/login with FormData', () => {
    it('should answer a token whose exp the SPA can read, cross-origin', async () => {
      const email = newEmail();
      await register(email);
      const response = await login(email);

      expect(response.statusCode).toBe(200);
      expectCorsAllowed(response);
      expect(response.headers['cache-control']).toContain('no-store');
      const token = response.json<Token>();
      expect(token).toMatchObject({
        access_token: expect.any(String),
        token_type: 'bearer',
        expires_in: expect.any(Number),
      });
      const claims = decodeJwtPayload(token.access_token);
      expect(claims.exp).toEqual(expect.any(Number));
      expect((claims.exp as number) * 1000).toBeGreaterThan(Date.now());
    });

    it('should answer a wrong password with 400 invalid_grant the SPA can read cross-origin', async () => {
      const email = newEmail();
      await register(email);
      const response = await login(email, 'not the password at all');

      expect(response.statusCode).toBe(400);
      expectCorsAllowed(response);
      expect(response.json()).toMatchObject({ error: 'invalid_grant' });
    });
  });

  describe('GET /auth/me', () => {
    it('should pass the preflight for the bearer header', async () => {
      const response = await preflight('/api/v1/auth/me', 'GET', 'authorization');

      expect(response.statusCode).toBe(204);
      expectCorsAllowed(response);
      expect(response.headers['access-control-allow-headers']?.toLowerCase()).toContain(
        'authorization',
      );
    });

    it('should answer the logged-in user', async () => {
      const { email, headers } = await signedIn();
      const response = await t.request({ method: 'GET', url: '/api/v1/auth/me', headers });

      expect(response.statusCode).toBe(200);
      expectCorsAllowed(response);
      expect(response.json()).toMatchObject({ id: expect.any(Number), email });
    });
  });

  describe('recipes', () => {
    it('should pass the preflight for POST /recipes/ with authorization and content-type', async () => {
      const response = await preflight('/api/v1/recipes/', 'POST', 'authorization,content-type');

      expect(response.statusCode).toBe(204);
      expectCorsAllowed(response);
      const allowed =
        response.headers['access-control-allow-headers']?.toString().toLowerCase() ?? '';
      expect(allowed).toContain('authorization');
      expect(allowed).toContain('content-type');
      expect(response.headers['access-control-allow-methods']).toContain('POST');
    });

    it('should create, list and search recipes the way the SPA does', async () => {
      const { headers } = await signedIn();
      const me = (await t.request({ method: 'GET', url: '/api/v1/auth/me', headers })).json<User>();

      // client.createRecipe(label, url, source, user.id)
      const created = await t.request({
        method: 'POST',
        url: '/api/v1/recipes/',
        headers: { ...headers, 'content-type': AXIOS_JSON },
        payload: JSON.stringify({
          label: 'Chicken Vesuvio',
          url: 'http://www.seriouseats.com/recipes/2011/12/chicken-vesuvio-recipe.html',
          source: 'Serious Eats',
          submitter_id: me.id,
        }),
      });
      expect(created.statusCode).toBe(201);
      expectCorsAllowed(created);
      expect(created.headers['access-control-expose-headers']).toContain('Location');
      const recipe = created.json<Recipe>();
      expect(recipe).toMatchObject({
        label: 'Chicken Vesuvio',
        source: 'Serious Eats',
        submitter_id: me.id,
      });
      const [row] = await t.sql<{ label: string; submitter_id: number }[]>(
        'SELECT label, submitter_id FROM recipes WHERE id = ?',
        [recipe.id],
      );
      expect(row).toEqual({ label: 'Chicken Vesuvio', submitter_id: me.id });

      // client.getUserRecipes() → data.results
      const mine = await t.request({ method: 'GET', url: '/api/v1/recipes/my-recipes/', headers });
      expect(mine.statusCode).toBe(200);
      expectCorsAllowed(mine);
      expect(mine.json<{ results: Recipe[] }>().results).toEqual([
        expect.objectContaining({ id: recipe.id, label: 'Chicken Vesuvio' }),
      ]);

      // client.getRecipes(keyword)
      const found = await t.request({
        method: 'GET',
        url: '/api/v1/recipes/search/?keyword=vesuvio&max_results=10',
        headers,
      });
      expect(found.statusCode).toBe(200);
      expectCorsAllowed(found);
      const results = found.json<{ results: Recipe[] }>().results;
      expect(results.length).toBeLessThanOrEqual(10);
      expect(results.map((r) => r.id)).toContain(recipe.id);

      // client.getRecipe(id)
      const one = await t.request({ method: 'GET', url: `/api/v1/recipes/${recipe.id}`, headers });
      expect(one.statusCode).toBe(200);
      expect(one.json()).toMatchObject({
        id: recipe.id,
        label: 'Chicken Vesuvio',
        url: recipe.url,
        source: 'Serious Eats',
      });
    });

    it('should let the SPA read a validation error cross-origin', async () => {
      const { headers } = await signedIn();
      const response = await t.request({
        method: 'POST',
        url: '/api/v1/recipes/',
        headers: { ...headers, 'content-type': AXIOS_JSON },
        payload: JSON.stringify({ label: '', url: 'https://', source: '' }),
      });

      expect(response.statusCode).toBe(400);
      expectCorsAllowed(response);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('should pass the preflight for DELETE /recipes/{id} and delete', async () => {
      const { headers } = await signedIn();
      const created = await t.request({
        method: 'POST',
        url: '/api/v1/recipes/',
        headers: { ...headers, 'content-type': AXIOS_JSON },
        payload: JSON.stringify({ label: 'Delete me', url: 'https://example.com/x', source: 'me' }),
      });
      const { id } = created.json<Recipe>();

      // client.deleteRecipe(recipeId)
      const check = await preflight(`/api/v1/recipes/${id}`, 'DELETE', 'authorization');
      expect(check.statusCode).toBe(204);
      expectCorsAllowed(check);
      expect(check.headers['access-control-allow-methods']).toContain('DELETE');

      const deleted = await t.request({ method: 'DELETE', url: `/api/v1/recipes/${id}`, headers });
      expect(deleted.statusCode).toBe(204);
      expectCorsAllowed(deleted);
      expect(await t.sql('SELECT id FROM recipes WHERE id = ?', [id])).toEqual([]);
    });

    it('should allow PATCH cross-origin for an SPA that edits recipes', async () => {
      const response = await preflight('/api/v1/recipes/1', 'PATCH', 'authorization,content-type');

      expect(response.statusCode).toBe(204);
      expectCorsAllowed(response);
      expect(response.headers['access-control-allow-methods']).toContain('PATCH');
    });
  });

  describe('other origins', () => {
    it('should allow every origin listed in CORS_ORIGINS', async () => {
      const response = await preflight(
        '/api/v1/recipes/',
        'POST',
        'authorization,content-type',
        'http://localhost:5173',
      );

      expect(response.statusCode).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    });

    it('should not allow an origin missing from CORS_ORIGINS, on the preflight or the request', async () => {
      const check = await preflight(
        '/api/v1/recipes/',
        'POST',
        'authorization,content-type',
        EVIL_ORIGIN,
      );
      expect(check.headers['access-control-allow-origin']).toBeUndefined();
      expect(check.headers['access-control-allow-headers']).toBeUndefined();

      const response = await t.request({
        method: 'GET',
        url: '/api/v1/recipes/search/?keyword=chi&max_results=10',
        headers: { origin: EVIL_ORIGIN },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('should not treat another localhost port as allowed outside development', async () => {
      const check = await preflight(
        '/api/v1/recipes/',
        'POST',
        'authorization',
        'http://localhost:4444',
      );

      expect(check.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('should never answer a wildcard or allow credentials', async () => {
      const response = await preflight('/api/v1/recipes/', 'POST', 'authorization,content-type');

      expect(response.headers['access-control-allow-origin']).not.toBe('*');
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      expect(response.headers.vary).toMatch(/origin/i);
    });
  });
});
