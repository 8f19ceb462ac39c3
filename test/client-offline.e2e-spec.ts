import {
  createRecipeClient,
  memoryStorage,
  OAuthError,
  webStorage,
  type StoredTokens,
} from '../clients/typescript/src/index.js';

/**
 * The typed client's refresh rules for answers a healthy server rarely gives on demand (a 429 on
 * the refresh, a network failure, a 401 that outlives a refresh), against a stand-in API given
 * through the client's `fetch` option. test/client.e2e-spec.ts drives the real server.
 */
const BASE = 'http://api.test';
const TOKENS: StoredTokens = { access_token: 'access-1', refresh_token: 'refresh-1' };
const TOKEN = {
  access_token: 'access-2',
  token_type: 'bearer',
  expires_in: 1800,
  refresh_token: 'refresh-2',
  scope: 'profile',
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
const UNAUTHORIZED = () =>
  json(401, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'No.' });

/** A client on a stand-in API: `answer` gets each request; `requests` lists them. */
function standIn(answer: (path: string, request: Request) => Response | Promise<Response>) {
  const requests: string[] = [];
  const storage = memoryStorage();
  storage.set(TOKENS);
  const api = createRecipeClient({
    baseUrl: BASE,
    storage,
    fetch: async (request) => {
      const path = new URL(request.url).pathname;
      requests.push(`${request.method} ${path} ${request.headers.get('authorization') ?? '-'}`);
      return answer(path, request);
    },
  });
  return { api, requests };
}

describe('the typed client refresh rules (stand-in API)', () => {
  it('should send a refused call once more only, and give its second 401 to the caller', async () => {
    const { api, requests } = standIn((path) =>
      path === '/api/v1/auth/refresh' ? json(200, TOKEN) : UNAUTHORIZED(),
    );
    const { error, response } = await api.http.GET('/api/v1/auth/me');
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ status: 401, detail: 'No.' });
    expect(requests).toEqual([
      'GET /api/v1/auth/me Bearer access-1',
      'POST /api/v1/auth/refresh -',
      'GET /api/v1/auth/me Bearer access-2',
    ]);
  });

  it('should send the refresh token as an RFC 6749 form', async () => {
    let body = '';
    const { api } = standIn(async (_path, request) => {
      expect(request.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
      body = await request.text();
      return json(200, TOKEN);
    });
    await api.refresh();
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-1',
    });
    expect(api.tokens()).toEqual({ access_token: 'access-2', refresh_token: 'refresh-2' });
  });

  it('should keep the tokens when the refresh is rate limited', async () => {
    const { api } = standIn((path) =>
      path === '/api/v1/auth/refresh'
        ? json(
            429,
            { error: 'invalid_request', error_description: 'Too many requests.' },
            { 'retry-after': '30' },
          )
        : UNAUTHORIZED(),
    );
    const failed = await api.http.GET('/api/v1/auth/me').catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(OAuthError);
    expect(failed).toMatchObject({ status: 429, error: 'invalid_request' });
    expect((failed as OAuthError).response?.headers.get('retry-after')).toBe('30');
    expect(api.tokens()).toEqual(TOKENS);
  });

  it('should keep the tokens when the API cannot be reached for the refresh', async () => {
    const { api } = standIn((path) => {
      if (path === '/api/v1/auth/refresh') throw new TypeError('fetch failed');
      return UNAUTHORIZED();
    });
    await expect(api.http.GET('/api/v1/auth/me')).rejects.toThrow('fetch failed');
    expect(api.tokens()).toEqual(TOKENS);
  });

  it('should forget the tokens at logout even when the API cannot be reached', async () => {
    const { api } = standIn(() => {
      throw new TypeError('fetch failed');
    });
    await expect(api.logout()).rejects.toThrow('fetch failed');
    expect(api.tokens()).toBeNull();
  });

  it('should keep the tokens in a Web Storage under one key', () => {
    const items = new Map<string, string>();
    const storage = webStorage({
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      removeItem: (key: string) => void items.delete(key),
    } as Storage);
    expect(storage.get()).toBeNull();
    storage.set(TOKENS);
    expect(JSON.parse(items.get('recipe-api.tokens')!)).toEqual(TOKENS);
    expect(storage.get()).toEqual(TOKENS);
    storage.set(null);
    expect(items.size).toBe(0);
  });
});
