import type { RecipeClient } from './client.js';
import type { components } from './schema.js';

type Recipe = components['schemas']['RecipeDto'];

/** What `GET /ws` sends after authentication. */
export type RealtimeEvent =
  | { type: 'recipe.created' | 'recipe.updated' | 'recipe.deleted'; data: Recipe; at: string }
  | { type: 'session.revoked'; data: { session_id: string }; at: string };

/** The close codes of `GET /ws` (4401: sign in again; 1001, 4408 and 1006: connect again). */
export const CLOSE_CODES = {
  goingAway: 1001,
  unauthenticated: 4401,
  badMessage: 4400,
  idle: 4408,
  tooMany: 4429,
} as const;

/** The part of the WebSocket API this helper uses (browsers' WebSocket, Node 22's, or `ws`). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(
    type: 'close',
    listener: (event: { code: number; reason: string }) => void,
  ): void;
}

export interface ConnectOptions {
  /** The API's origin, as given to createRecipeClient (`https://…` becomes `wss://…/ws`). */
  baseUrl: string;
  onEvent: (event: RealtimeEvent) => void;
  /** The socket ended: 4401 means the session is over (sign in again). */
  onClose?: (code: number, reason: string) => void;
  /** Re-authenticate this many seconds before the access token expires (default 60). */
  renewBeforeSeconds?: number;
  /** The WebSocket constructor (default: globalThis.WebSocket; in Node 20, `ws`'s). */
  WebSocket?: new (url: string) => WebSocketLike;
}

export interface RealtimeConnection {
  /** Resolves once the server has accepted the first token; rejects if the socket ends first. */
  readonly authenticated: Promise<void>;
  /** Resolves with the close code and reason once the socket has ended. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/**
 * Opens `GET /ws` with the client's access token (first message, never in the URL) and keeps it
 * authenticated: shortly before the token expires it re-authenticates on the open socket with a
 * fresh one, from a refresh the client shares with its HTTP calls (or the token another call
 * refreshed meanwhile). Events go to `onEvent`; nothing else is sent to the app.
 */
export function connect(client: RecipeClient, options: ConnectOptions): RealtimeConnection {
  const Socket =
    options.WebSocket ??
    (globalThis as unknown as { WebSocket: new (url: string) => WebSocketLike }).WebSocket;
  const url = new URL('/ws', options.baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new Socket(url.toString());
  const renewBeforeMs = (options.renewBeforeSeconds ?? 60) * 1000;
  let renewal: ReturnType<typeof setTimeout> | undefined;
  let sentToken: string | undefined;
  let accepted: () => void = () => undefined;
  let refused: (reason: Error) => void = () => undefined;
  const authenticated = new Promise<void>((resolve, reject) => {
    accepted = resolve;
    refused = reject;
  });
  authenticated.catch(() => undefined); // an app that never awaits it sees no unhandled rejection

  /** The client's access token, refreshed first when it is the one this socket already sent. */
  async function freshToken(): Promise<string> {
    const held = client.tokens()?.access_token;
    if (held && held !== sentToken) return held;
    return (await client.refresh()).access_token;
  }

  async function authenticate(): Promise<void> {
    try {
      sentToken = await freshToken();
      if (socket.readyState === 1) {
        socket.send(JSON.stringify({ type: 'authenticate', access_token: sentToken }));
      }
    } catch {
      socket.close(1000, 'No access token'); // the refresh failed: the app signs in again
    }
  }

  socket.addEventListener('open', () => void authenticate());
  socket.addEventListener('message', ({ data }) => {
    const message = JSON.parse(String(data)) as
      RealtimeEvent | { type: 'authenticated'; data: { expires_at: string } };
    if (message.type !== 'authenticated') return options.onEvent(message);
    accepted();
    clearTimeout(renewal);
    const due = Date.parse(message.data.expires_at) - renewBeforeMs - Date.now();
    renewal = setTimeout(() => void authenticate(), Math.max(0, due));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.addEventListener('close', ({ code, reason }) => {
      clearTimeout(renewal);
      refused(new Error(`The socket closed (${code}) before it was authenticated: ${reason}`));
      options.onClose?.(code, reason);
      resolve({ code, reason });
    }),
  );
  return { authenticated, closed, close: () => socket.close(1000) };
}
