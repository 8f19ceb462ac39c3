import createClient, { type Client } from 'openapi-fetch';
import { OAuthError, toError } from './errors.js';
import type { components, paths } from './schema.js';
import { memoryStorage, type StoredTokens, type TokenStorage } from './storage.js';

export type Token = components['schemas']['TokenDto'];
/** A token response as the client hands it out: without `refresh_token` in cookie mode. */
export type Session = Omit<Token, 'refresh_token'> & { refresh_token?: string };

export interface Credentials {
  /** The account's email. */
  username: string;
  password: string;
  /** Space-separated scopes; omitted: every scope the account may have. */
  scope?: string;
}

/**
 * The second step of a login whose first answered `mfa_required`: one code, a recovery code, or a
 * passkey's answer (navigator.credentials.get() to POST /auth/passkeys/login/options, as JSON).
 */
export type SecondFactor = { mfa_token: string } & (
  | { code: string; recovery_code?: never; passkey?: never }
  | { recovery_code: string; code?: never; passkey?: never }
  | {
      challenge_id: string;
      passkey: NonNullable<LoginMfaBody['passkey']>;
      code?: never;
      recovery_code?: never;
    }
);
type LoginMfaBody =
  paths['/api/v1/auth/login/mfa']['post']['requestBody']['content']['application/json'];

export interface RecipeClientOptions {
  /** The API's origin, e.g. `https://api.example.com` (the paths carry `/api/v1`). */
  baseUrl: string;
  /**
   * The server runs with REFRESH_COOKIE=true: the refresh token lives in an HttpOnly cookie,
   * every request is sent with `credentials: 'include'`, and the client never holds it.
   */
  cookieMode?: boolean;
  /** Where the tokens are kept; default: memory. */
  storage?: TokenStorage;
  /** The fetch to call (default: globalThis.fetch), e.g. to log or count requests. */
  fetch?: (request: Request) => Promise<Response>;
}

export interface RecipeClient {
  /**
   * The typed client of every operation (openapi-fetch): `await api.http.GET('/api/v1/recipes',
   * { params: { query: { limit: 20 } } })` gives `{ data }` or `{ error }`. The access token is
   * attached; a 401 is answered by one shared refresh and the call is sent once more. When that
   * refresh fails the call rejects with its OAuthError and the tokens are gone.
   */
  readonly http: Client<paths>;
  /**
   * OAuth2 password grant (a form post). Throws OAuthError (e.g. `invalid_grant`); for an account
   * with a second factor, `error: 'mfa_required'` with `mfaToken` for loginWithSecondFactor().
   */
  login(credentials: Credentials): Promise<Session>;
  /** Completes a login with the code of the authenticator app or a recovery code. */
  loginWithSecondFactor(factor: SecondFactor): Promise<Session>;
  /** New tokens for the stored refresh token (or the cookie); parallel calls share one request. */
  refresh(): Promise<Session>;
  /** Ends this session on the server (best effort) and forgets the tokens. */
  logout(): Promise<void>;
  /** The tokens held right now, or null when logged out. */
  tokens(): StoredTokens | null;
}

const TOKEN_PATHS = ['/api/v1/auth/login', '/api/v1/auth/login/mfa', '/api/v1/auth/refresh'];
const form = (fields: Record<string, string | undefined>) =>
  new URLSearchParams(
    Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined),
  ).toString();
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

export function createRecipeClient(options: RecipeClientOptions): RecipeClient {
  const storage = options.storage ?? memoryStorage();
  const cookieMode = options.cookieMode ?? false;
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const credentials: RequestCredentials = cookieMode ? 'include' : 'same-origin';
  let refreshing: Promise<Session> | undefined;

  /** Keeps a token response (never the refresh token in cookie mode) and returns what callers see. */
  function keep(token: Token): Session {
    const session: Session = { ...token };
    if (cookieMode) delete session.refresh_token;
    storage.set({ access_token: session.access_token, refresh_token: session.refresh_token });
    return session;
  }

  /** The token endpoints: no bearer, no retry. */
  const tokenEndpoints = createClient<paths>({
    baseUrl: options.baseUrl,
    credentials,
    fetch: send,
  });

  async function runRefresh(): Promise<Session> {
    const { data, error, response } = await tokenEndpoints.POST('/api/v1/auth/refresh', {
      // Form-encoded like RFC 6749 §6; in cookie mode the token rides in the cookie.
      body: {
        grant_type: 'refresh_token',
        refresh_token: cookieMode ? undefined : storage.get()?.refresh_token,
      },
      bodySerializer: form,
      headers: FORM,
    });
    if (data) return keep(data);
    // 400: the grant is dead (or missing); a 429 or an outage says nothing about the session.
    if (response.status === 400 || response.status === 401) storage.set(null);
    throw toError(response, error);
  }

  function refresh(): Promise<Session> {
    refreshing ??= runRefresh().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  async function authorizedFetch(request: Request): Promise<Response> {
    const attempt = (token: string | undefined) => {
      const copy = request.clone();
      if (token) copy.headers.set('Authorization', `Bearer ${token}`);
      return send(copy);
    };
    const path = new URL(request.url).pathname;
    // A caller's own Authorization header, and the token endpoints, are left alone.
    if (request.headers.has('Authorization') || TOKEN_PATHS.includes(path)) return send(request);
    const sent = storage.get()?.access_token;
    const response = await attempt(sent);
    if (response.status !== 401 || (!sent && !cookieMode)) return response;
    // Another call may have refreshed while this one was out: then its token is the new one;
    // or its refresh failed and logged out: then this 401 stands.
    const current = storage.get()?.access_token;
    if (!current && !cookieMode) return response;
    await response.body?.cancel(); // this answer will not be read: free its connection
    const token = current && current !== sent ? current : (await refresh()).access_token;
    return attempt(token);
  }

  const http = createClient<paths>({
    baseUrl: options.baseUrl,
    credentials,
    fetch: authorizedFetch,
  });

  return {
    http,
    tokens: () => storage.get(),
    refresh,
    async login({ username, password, scope }) {
      const { data, error, response } = await tokenEndpoints.POST('/api/v1/auth/login', {
        body: { grant_type: 'password', username, password, scope },
        bodySerializer: form,
        headers: FORM,
      });
      if (data) return keep(data);
      throw toError(response, error);
    },
    async loginWithSecondFactor(factor) {
      // JSON: a passkey's answer is nested.
      const { data, error, response } = await tokenEndpoints.POST('/api/v1/auth/login/mfa', {
        body: factor,
      });
      if (data) return keep(data);
      throw toError(response, error);
    },
    async logout() {
      try {
        if (storage.get() || cookieMode) await http.POST('/api/v1/auth/logout');
      } catch (error) {
        // The session is gone already (the refresh before the retry failed): nothing to end.
        if (!(error instanceof OAuthError)) throw error;
      } finally {
        storage.set(null);
      }
    },
  };
}

/**
 * The data of a successful call, or its typed error thrown: ProblemError for problem+json,
 * OAuthError for a token endpoint. `const me = await unwrap(api.http.GET('/api/v1/auth/me'))`.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  throw toError(response, error);
}
