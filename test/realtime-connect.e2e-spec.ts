import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import {
  connect,
  createRecipeClient,
  memoryStorage,
  unwrap,
  type RealtimeEvent,
  type RecipeClient,
  type WebSocketLike,
} from '../clients/typescript/src/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createUser, PASSWORD } from './helpers/factories.js';
import { resign } from './helpers/jwt.js';

/** The typed client's connect(): it authenticates the socket and keeps it authenticated. */
describe('connect() of the TypeScript client (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(() => t?.close());

  async function loggedInClient(): Promise<{
    api: RecipeClient;
    storage: ReturnType<typeof memoryStorage>;
  }> {
    const user = await createUser(t);
    const storage = memoryStorage();
    const api = createRecipeClient({ baseUrl, storage });
    await api.login({ username: user.email, password: PASSWORD });
    return { api, storage };
  }

  /** Connects and resolves the events as they come, one waiter per type. */
  function listen(api: RecipeClient, renewBeforeSeconds?: number) {
    const events: RealtimeEvent[] = [];
    const waiters: ((event: RealtimeEvent) => void)[] = [];
    const connection = connect(api, {
      baseUrl,
      renewBeforeSeconds,
      WebSocket: WebSocket as unknown as new (url: string) => WebSocketLike,
      onEvent: (event) => {
        events.push(event);
        waiters.splice(0).forEach((waiter) => waiter(event));
      },
    });
    const next = () => new Promise<RealtimeEvent>((resolve) => waiters.push(resolve));
    return { connection, events, next };
  }

  it('should authenticate with the client token and deliver recipe events', async () => {
    const { api } = await loggedInClient();
    const { connection, next } = listen(api);
    await connection.authenticated;
    const arrived = next();
    await unwrap(api.http.POST('/api/v1/recipes', { body: { label: 'Through connect' } }));
    await expect(arrived).resolves.toMatchObject({
      type: 'recipe.created',
      data: { label: 'Through connect' },
    });
    connection.close();
    await expect(connection.closed).resolves.toMatchObject({ code: 1000 });
  });

  it('should re-authenticate on the open socket before the token expires, and stay open past it', async () => {
    const { api, storage } = await loggedInClient();
    const now = Math.floor(Date.now() / 1000);
    const held = storage.get()!;
    const short = resign(t, held.access_token, { payload: { iat: now, exp: now + 3 } });
    storage.set({ ...held, access_token: short });
    const { connection, next } = listen(api, 2);
    await connection.authenticated;
    await new Promise((resolve) => setTimeout(resolve, 4_500)); // past the short token's exp
    expect(storage.get()!.access_token).not.toBe(short); // refreshed for the socket
    const arrived = next();
    await unwrap(api.http.POST('/api/v1/recipes', { body: { label: 'After renewal' } }));
    await expect(arrived).resolves.toMatchObject({ data: { label: 'After renewal' } });
    connection.close();
  });

  it('should report 4401 and session.revoked when the session logs out', async () => {
    const { api } = await loggedInClient();
    const { connection, events } = listen(api);
    await connection.authenticated;
    await api.logout();
    await expect(connection.closed).resolves.toEqual({
      code: 4401,
      reason: 'The session has ended.',
    });
    expect(events.at(-1)).toMatchObject({ type: 'session.revoked' });
  });
});
