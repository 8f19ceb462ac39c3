import { once } from 'node:events';
import WebSocket from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

/** A `ws` client of GET /ws that records what it is told and how it ends. */
export class TestSocket {
  readonly messages: { type: string; data?: any; at?: string }[] = [];
  readonly closed: Promise<Closed>;
  private waiting: { type: string; resolve: (message: any) => void }[] = [];

  constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
      socket.on('error', () => undefined); // a dropped socket ends with 'close' (1006) too
    });
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type: string };
      this.messages.push(message);
      this.waiting = this.waiting.filter((waiter) => {
        if (waiter.type !== message.type) return true;
        waiter.resolve(message);
        return false;
      });
    });
  }

  /** The next message of `type` (one already received counts when `seen` is true). */
  next<T = any>(type: string, seen = false): Promise<{ type: string; data: T; at: string }> {
    const already = seen && this.messages.find((message) => message.type === type);
    if (already) return Promise.resolve(already as never);
    return new Promise((resolve) => this.waiting.push({ type, resolve }));
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends the authenticate message and waits for the server's answer. */
  async authenticate(token: string): Promise<{ expires_at: string }> {
    const answer = this.next<{ expires_at: string }>('authenticated');
    this.send({ type: 'authenticate', access_token: token });
    return (await answer).data;
  }

  close(): void {
    if (this.socket.readyState <= WebSocket.OPEN) this.socket.terminate();
  }
}

/** Opens `GET /ws` on `baseUrl` (http://…); rejects with the HTTP status when the upgrade is refused. */
export async function openSocket(
  baseUrl: string,
  options: { ticket?: string; origin?: string; autoPong?: boolean } = {},
): Promise<TestSocket> {
  const url = new URL('/ws', baseUrl.replace(/^http/, 'ws'));
  if (options.ticket !== undefined) url.searchParams.set('ticket', options.ticket);
  const socket = new WebSocket(url, {
    ...(options.origin !== undefined && { origin: options.origin }),
    autoPong: options.autoPong ?? true,
  });
  const client = new TestSocket(socket);
  const refused = new Promise<never>((_, reject) =>
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        reject(
          Object.assign(new Error(`upgrade refused: ${response.statusCode}`), {
            status: response.statusCode,
            headers: response.headers,
            body,
          }),
        ),
      );
    }),
  );
  await Promise.race([once(socket, 'open'), refused]);
  return client;
}

/** Opens a socket and authenticates it with `token`. */
export async function openAuthenticated(baseUrl: string, token: string): Promise<TestSocket> {
  const client = await openSocket(baseUrl);
  await client.authenticate(token);
  return client;
}
