import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from './helpers/app.js';
import {
  bearer,
  createRecipe,
  createUser,
  login,
  PASSWORD,
  type TestUser,
} from './helpers/factories.js';
import { Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { RecipeDto } from '../src/recipes/dto/recipe.dto.js';
import { RECIPE_UPDATED, RecipeChanged } from '../src/recipes/recipe.events.js';
import { resign } from './helpers/jwt.js';
import { openAuthenticated, openSocket, type TestSocket } from './realtime-client.js';

/**
 * GET /ws on one app (in-process fan-out): authentication, refusals with their close codes,
 * recipe events, and sockets that close with their session. Two instances: realtime-instances.
 */
const SETTINGS = {
  CORS_ORIGINS: 'https://app.example.com',
  WS_MAX_SOCKETS_PER_USER: '3',
  WS_MAX_MESSAGES_PER_SECOND: '10',
  WS_PING_INTERVAL_SECONDS: '2',
  WS_MAX_BUFFERED_BYTES: '16384',
};

describe('GET /ws (e2e)', () => {
  let t: TestApp;
  let url: string;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    t = await createTestApp(SETTINGS);
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await t?.close();
    for (const name of Object.keys(SETTINGS)) delete process.env[name];
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  async function open(options?: Parameters<typeof openSocket>[1]): Promise<TestSocket> {
    const socket = await openSocket(url, options);
    sockets.push(socket);
    return socket;
  }

  async function openAs(user: { token: string }): Promise<TestSocket> {
    const socket = await openAuthenticated(url, user.token);
    sockets.push(socket);
    return socket;
  }

  describe('authentication', () => {
    it('should close a socket that does not authenticate within 5 s with 4401, having sent nothing', async () => {
      const socket = await open();
      await expect(socket.closed).resolves.toEqual({ code: 4401, reason: 'Authenticate first.' });
      expect(socket.messages).toEqual([]);
    }, 15_000);

    it('should accept an access token as the first message and say until when', async () => {
      const user = await createUser(t);
      const socket = await open();
      const answer = await socket.authenticate(user.token);
      expect(Date.parse(answer.expires_at)).toBeGreaterThan(Date.now());
    });

    it.each([
      ['garbage', () => 'not.a.token', 'The access token is invalid.'],
      ['a missing token', () => undefined, 'An access token is required.'],
    ])('should close with 4401 for %s', async (_name, token, reason) => {
      const socket = await open();
      socket.send({ type: 'authenticate', access_token: token() });
      await expect(socket.closed).resolves.toEqual({ code: 4401, reason });
      expect(socket.messages).toEqual([]);
    });

    it('should close with 4401 for a refresh token sent as an access token', async () => {
      const user = await createUser(t);
      const refresh = (await login(t, user.email)).json<{ refresh_token: string }>().refresh_token;
      const socket = await open();
      socket.send({ type: 'authenticate', access_token: refresh });
      await expect(socket.closed).resolves.toEqual({
        code: 4401,
        reason: 'The access token is invalid.',
      });
    });

    it('should close with 4401 for an expired access token', async () => {
      const user = await createUser(t);
      const now = Math.floor(Date.now() / 1000);
      const expired = resign(t, user.token, { payload: { iat: now - 600, exp: now - 300 } });
      const socket = await open();
      socket.send({ type: 'authenticate', access_token: expired });
      await expect(socket.closed).resolves.toEqual({
        code: 4401,
        reason: 'The access token has expired.',
      });
    });

    it('should close with 4401 for a signed token that is not an access token (typ)', async () => {
      const user = await createUser(t);
      const socket = await open();
      socket.send({
        type: 'authenticate',
        access_token: resign(t, user.token, { header: { typ: 'JWT' } }),
      });
      await expect(socket.closed).resolves.toEqual({
        code: 4401,
        reason: 'The access token is not one this API issued.',
      });
    });

    it('should close with 4401 for a signed token whose scope claim is not a scope list', async () => {
      const user = await createUser(t);
      const socket = await open();
      socket.send({
        type: 'authenticate',
        access_token: resign(t, user.token, { payload: { scope: 'recipes:write; DROP TABLE' } }),
      });
      await expect(socket.closed).resolves.toEqual({
        code: 4401,
        reason: 'The access token is not one this API issued.',
      });
    });

    it('should close with 4401 for the token of a session that has ended', async () => {
      const user = await createUser(t);
      await t.request({ method: 'POST', url: '/api/v1/auth/logout', headers: user.auth });
      const socket = await open();
      socket.send({ type: 'authenticate', access_token: user.token });
      await expect(socket.closed).resolves.toEqual({
        code: 4401,
        reason: 'The session of this token has ended.',
      });
    });
  });

  describe('events', () => {
    it('should deliver recipe.created, recipe.updated and recipe.deleted to every authenticated socket', async () => {
      const [alice, bob] = [await createUser(t), await createUser(t)];
      const [first, second] = [await openAs(alice), await openAs(bob)];
      const created = [first.next('recipe.created'), second.next('recipe.created')];
      const recipe = await createRecipe(t, alice, 'Socket soup');
      for (const event of await Promise.all(created)) {
        expect(event.data).toEqual(
          (await t.request({ method: 'GET', url: `/api/v1/recipes/${recipe.id}` })).json(),
        );
        expect(Date.parse(event.at)).not.toBeNaN();
      }
      const updated = second.next('recipe.updated');
      await t.request({
        method: 'PATCH',
        url: `/api/v1/recipes/${recipe.id}`,
        headers: alice.auth,
        payload: { label: 'Socket stew' },
      });
      expect((await updated).data).toMatchObject({ id: recipe.id, label: 'Socket stew' });
      const deleted = first.next('recipe.deleted');
      await t.request({
        method: 'DELETE',
        url: `/api/v1/recipes/${recipe.id}`,
        headers: alice.auth,
      });
      expect((await deleted).data).toMatchObject({ id: recipe.id, label: 'Socket stew' });
    });
  });

  describe('sessions', () => {
    it('should tell the socket and close it with 4401 when its session logs out', async () => {
      const user = await createUser(t);
      const socket = await openAs(user);
      await t.request({ method: 'POST', url: '/api/v1/auth/logout', headers: user.auth });
      await expect(socket.closed).resolves.toEqual({
        code: 4401,
        reason: 'The session has ended.',
      });
      expect(socket.messages.at(-1)).toMatchObject({ type: 'session.revoked' });
    });

    /** A second session of `user`: its token and id. */
    async function secondSession(user: TestUser) {
      const token = (await login(t, user.email)).json<{ access_token: string }>().access_token;
      const sessions = await t.request({
        method: 'GET',
        url: '/api/v1/auth/sessions',
        headers: bearer(token),
      });
      const id = sessions.json<{ id: string; current: boolean }[]>().find((s) => s.current)!.id;
      return { token, id };
    }

    it('should close the socket of a session deleted from another session', async () => {
      const user = await createUser(t);
      const other = await secondSession(user);
      const socket = await openAs(other);
      const deleted = await t.request({
        method: 'DELETE',
        url: `/api/v1/auth/sessions/${other.id}`,
        headers: user.auth,
      });
      expect(deleted.statusCode).toBe(204);
      await expect(socket.closed).resolves.toEqual({
        code: 4401,
        reason: 'The session has ended.',
      });
      expect(socket.messages.at(-1)).toEqual({
        type: 'session.revoked',
        data: { session_id: other.id },
        at: expect.any(String),
      });
    });

    it('should close the sockets of the other sessions on a password change, and keep this one', async () => {
      const user = await createUser(t);
      const other = await secondSession(user);
      const [kept, ended] = [await openAs(user), await openAs(other)];
      const changed = await t.request({
        method: 'POST',
        url: '/api/v1/users/me/password',
        headers: user.auth,
        payload: { current_password: PASSWORD, new_password: 'a brand new passphrase 2026' },
      });
      expect(changed.statusCode).toBe(204);
      await expect(ended.closed).resolves.toEqual({ code: 4401, reason: 'The session has ended.' });
      const event = kept.next('recipe.created');
      await createRecipe(t, user, 'Still listening');
      expect((await event).data).toMatchObject({ label: 'Still listening' });
    });

    it('should close the sockets of a deactivated user', async () => {
      const [admin, user] = [await createUser(t, { superuser: true }), await createUser(t)];
      const socket = await openAs(user);
      const patched = await t.request({
        method: 'PATCH',
        url: `/api/v1/users/${user.id}`,
        headers: admin.auth,
        payload: { is_active: false },
      });
      expect(patched.statusCode).toBe(200);
      await expect(socket.closed).resolves.toEqual({
        code: 4401,
        reason: 'The session has ended.',
      });
    });

    it('should close the sockets of a deleted account', async () => {
      const user = await createUser(t);
      const socket = await openAs(user);
      const deleted = await t.request({
        method: 'DELETE',
        url: '/api/v1/users/me',
        headers: user.auth,
        payload: { password: PASSWORD },
      });
      expect(deleted.statusCode).toBe(204);
      await expect(socket.closed).resolves.toEqual({
        code: 4401,
        reason: 'The session has ended.',
      });
    });

    it('should close the socket with 4401 when its access token expires', async () => {
      const user = await createUser(t);
      const now = Math.floor(Date.now() / 1000);
      const short = resign(t, user.token, { payload: { iat: now, exp: now + 2 } });
      const socket = await openAs({ token: short });
      await expect(socket.closed).resolves.toEqual({
        code: 4401,
        reason: 'The access token has expired: authenticate again.',
      });
    });

    it('should keep a socket that re-authenticates with a fresh token before its token expires', async () => {
      const user = await createUser(t);
      const now = Math.floor(Date.now() / 1000);
      const socket = await openAs({
        token: resign(t, user.token, { payload: { iat: now, exp: now + 2 } }),
      });
      await socket.authenticate(user.token);
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // past the first token's expiry
      const event = socket.next('recipe.created');
      await createRecipe(t, user, 'Renewed');
      expect((await event).data).toMatchObject({ label: 'Renewed' });
    });

    it('should close with 4401 a socket re-authenticated as another user', async () => {
      const [alice, bob] = [await createUser(t), await createUser(t)];
      const socket = await openAs(alice);
      socket.send({ type: 'authenticate', access_token: bob.token });
      await expect(socket.closed).resolves.toEqual({
        code: 4401,
        reason: 'A socket stays with the user who opened it.',
      });
    });
  });

  describe('tickets', () => {
    async function ticketFor(user: TestUser): Promise<string> {
      const response = await t.request({
        method: 'POST',
        url: '/api/v1/auth/ws-ticket',
        headers: user.auth,
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['ratelimit-limit']).toBe('10000'); // per IP, like the other auth routes
      const body = response.json<{ ticket: string; expires_in: number }>();
      expect(body).toEqual({ ticket: expect.stringMatching(/^[\w-]{43}$/), expires_in: 30 });
      return body.ticket;
    }

    it('should refuse a ticket request without a bearer token', async () => {
      const response = await t.request({ method: 'POST', url: '/api/v1/auth/ws-ticket' });
      expect(response.statusCode).toBe(401);
    });

    it('should authenticate a socket with a ticket once, and refuse it the second time', async () => {
      const user = await createUser(t);
      const ticket = await ticketFor(user);
      const first = await open({ ticket });
      await first.next('authenticated', true);
      const second = await open({ ticket });
      await expect(second.closed).resolves.toEqual({
        code: 4401,
        reason: 'The ticket is invalid, used or expired.',
      });
      expect(second.messages).toEqual([]);
    });

    it('should refuse a ticket after 30 s', async () => {
      const user = await createUser(t);
      const ticket = await ticketFor(user);
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + 31_000);
        const socket = await open({ ticket });
        await expect(socket.closed).resolves.toEqual({
          code: 4401,
          reason: 'The ticket is invalid, used or expired.',
        });
      } finally {
        vi.useRealTimers();
      }
    });

    it('should refuse the ticket of a session that has ended since', async () => {
      const user = await createUser(t);
      const ticket = await ticketFor(user);
      await t.request({ method: 'POST', url: '/api/v1/auth/logout', headers: user.auth });
      const socket = await open({ ticket });
      await expect(socket.closed).resolves.toEqual({
        code: 4401,
        reason: 'The session of this ticket has ended.',
      });
    });

    it('should refuse an unknown ticket', async () => {
      const socket = await open({ ticket: 'A'.repeat(43) });
      await expect(socket.closed).resolves.toMatchObject({ code: 4401 });
    });
  });

  describe('origin', () => {
    it('should refuse the upgrade with 403 problem details for a page of another origin', async () => {
      const refused = open({ origin: 'https://evil.example' });
      await expect(refused).rejects.toMatchObject({
        status: 403,
        headers: expect.objectContaining({
          'content-type': 'application/problem+json; charset=utf-8',
          'x-content-type-options': 'nosniff',
        }),
      });
      const { body } = (await refused.catch((error: unknown) => error)) as { body: string };
      expect(JSON.parse(body)).toMatchObject({ status: 403, title: 'Forbidden' });
    });

    it.each(['null'])('should refuse Origin: %s', async (origin) => {
      await expect(open({ origin })).rejects.toMatchObject({ status: 403 });
    });

    it('should accept an allowed origin and a client that sends none', async () => {
      const user = await createUser(t);
      await (await open({ origin: 'https://app.example.com' })).authenticate(user.token);
      await (await open()).authenticate(user.token);
    });
  });

  describe('limits', () => {
    it.each([
      ['text that is not JSON', '{"type":'],
      ['JSON that is not an object', '[1,2]'],
      ['an unknown type', '{"type":"subscribe"}'],
    ])('should close with 4400 for %s, and keep serving others', async (_name, text) => {
      const socket = await open();
      socket.send(text);
      await expect(socket.closed).resolves.toMatchObject({ code: 4400 });
      const user = await createUser(t);
      await (await open()).authenticate(user.token);
    });

    it('should close with 4400 for a binary message', async () => {
      const socket = await open();
      socket.socket.send(Buffer.from('{"type":"authenticate"}'), { binary: true });
      await expect(socket.closed).resolves.toMatchObject({ code: 4400 });
    });

    it('should close with 1009 a message over 4 KB, without logging the client error', async () => {
      const logged = vi.spyOn(Logger.prototype, 'error');
      try {
        const socket = await open();
        socket.send({ type: 'authenticate', access_token: 'x'.repeat(4100) });
        await expect(socket.closed).resolves.toMatchObject({ code: 1009 });
        expect(logged).not.toHaveBeenCalled();
      } finally {
        logged.mockRestore();
      }
    });

    it('should close with 4429 a socket that sends more messages per second than allowed', async () => {
      const user = await createUser(t);
      const socket = await openAs(user);
      for (let i = 0; i < 11; i++) socket.send({ type: 'authenticate', access_token: user.token });
      await expect(socket.closed).resolves.toEqual({
        code: 4429,
        reason: 'Too many messages: slow down.',
      });
    });

    it('should close with 4429 a socket past WS_MAX_SOCKETS_PER_USER', async () => {
      const user = await createUser(t);
      for (let i = 0; i < 3; i++) await openAs(user);
      const extra = await open();
      extra.send({ type: 'authenticate', access_token: user.token });
      await expect(extra.closed).resolves.toEqual({
        code: 4429,
        reason: 'Too many open sockets for this user.',
      });
    });

    it('should close with 4429 a 51st socket of one address that has not authenticated', async () => {
      const waiting = await Promise.all(Array.from({ length: 50 }, () => open()));
      const extra = await open();
      await expect(extra.closed).resolves.toEqual({
        code: 4429,
        reason: 'Too many sockets waiting to authenticate from this address.',
      });
      const user = await createUser(t);
      await waiting[0]!.authenticate(user.token); // its place is given back
      await (await open()).authenticate(user.token);
    });

    it('should close with 4408 a socket that does not answer pings', async () => {
      const user = await createUser(t);
      const socket = await open({ autoPong: false });
      await socket.authenticate(user.token);
      await expect(socket.closed).resolves.toEqual({ code: 4408, reason: 'No answer to ping.' });
    });

    it('should drop a client that stops reading, and keep serving the others', async () => {
      const [user, slow] = [await createUser(t), await createUser(t)];
      const [reader, stalled] = [await openAs(user), await openAs(slow)];
      stalled.socket.pause(); // reads nothing more: the kernel's buffers fill, then the server's
      const recipe = await createRecipe(t, user, 'Flood'.padEnd(256, '!'));
      // The kernel holds ~4 MB of a loopback connection: 6 MB of events, announced as the
      // recipes service announces a change, in bursts the reader keeps up with.
      const event = new RecipeChanged(RECIPE_UPDATED, {
        ...recipe,
        url: `https://example.com/${'x'.repeat(2000)}`,
      } as RecipeDto);
      const events = t.app.get(EventEmitter2);
      const received = () => reader.messages.filter((m) => m.type === 'recipe.updated').length;
      for (let burst = 0; burst < 50; burst++) {
        for (let i = 0; i < 50; i++) events.emit(RECIPE_UPDATED, event);
        while (received() < (burst + 1) * 50)
          await new Promise((resolve) => setTimeout(resolve, 1));
      }
      stalled.socket.resume();
      await expect(stalled.closed).resolves.toMatchObject({ code: 1006 });
      expect(stalled.messages.length).toBeLessThan(2_500);
      expect(reader.socket.readyState).toBe(reader.socket.OPEN);
    });
  });
});
