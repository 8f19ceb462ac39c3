/** What the client keeps between calls. In cookie mode there is no `refresh_token`. */
export interface StoredTokens {
  access_token: string;
  refresh_token?: string;
}

/** Where the client keeps its tokens: memory by default; give another to survive a page reload. */
export interface TokenStorage {
  get(): StoredTokens | null;
  set(tokens: StoredTokens | null): void;
}

/** Tokens in this page's memory only: gone at a reload (use cookie mode to keep the session). */
export function memoryStorage(): TokenStorage {
  let tokens: StoredTokens | null = null;
  return {
    get: () => tokens,
    set: (next) => {
      tokens = next;
    },
  };
}

/**
 * Tokens in a Web Storage (`sessionStorage`, `localStorage`) under `key`. Any script of the page
 * can read them there; prefer memory with cookie mode where an XSS would cost a long session.
 */
export function webStorage(storage: Storage, key = 'recipe-api.tokens'): TokenStorage {
  return {
    get: () => {
      const text = storage.getItem(key);
      return text ? (JSON.parse(text) as StoredTokens) : null;
    },
    set: (tokens) =>
      tokens ? storage.setItem(key, JSON.stringify(tokens)) : storage.removeItem(key),
  };
}
