// @ts-check
// GET /ws: how fast sockets open and authenticate, what they cost in memory, and how long a
// recipe takes from POST /recipes to its recipe.created on every socket (docs/performance.md).
import { once } from 'node:events';
import WebSocket from 'ws';
import { pool } from './seed.mjs';
import { residentMb } from './server.mjs';

/** @typedef {import('./server.mjs').Server} Server */

/** @param {number[]} sorted @param {number} p */
const percentile = (sorted, p) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/**
 * Opens GET /ws on `server` and authenticates with `token`; resolves once the server says so.
 * @param {Server} server @param {string} token @returns {Promise<WebSocket>}
 */
async function openAuthenticated(server, token) {
  const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`);
  await once(socket, 'open');
  const answered = new Promise((resolve, reject) => {
    socket.once('message', (data) => {
      const { type } = JSON.parse(/** @type {Buffer} */ (data).toString());
      if (type === 'authenticated') resolve(undefined);
      else reject(new Error(`expected "authenticated", got ${type}`));
    });
    socket.once('close', (code, reason) =>
      reject(new Error(`closed ${code} ${reason.toString()}`)),
    );
  });
  socket.send(JSON.stringify({ type: 'authenticate', access_token: token }));
  await answered;
  return socket;
}

/**
 * Opens `sockets` authenticated sockets (`concurrency` handshakes in flight) and reports the
 * rate and each setup's p50/p99, the server's memory with them open, then creates `events`
 * recipes one after another and times each from the POST to its arrival on the first
 * `fanout` sockets.
 * @param {{ server: Server, token: string, sockets: number, fanout: number, events: number, concurrency?: number }} options
 */
export async function realtimeBench({ server, token, sockets, fanout, events, concurrency = 20 }) {
  const rssBeforeMb = residentMb(server.pid);
  /** @type {number[]} */
  const setupMs = [];
  const began = performance.now();
  const open = await pool(Array.from({ length: sockets }), concurrency, async () => {
    const t = performance.now();
    const socket = await openAuthenticated(server, token);
    setupMs.push(performance.now() - t);
    return socket;
  });
  const setupSeconds = (performance.now() - began) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 1000)); // let the server's heap settle
  const rssOpenMb = residentMb(server.pid);

  /** @type {number[]} */
  const latencyMs = [];
  /** @type {Map<string, { sent: number, left: number, done: () => void }>} */
  const pending = new Map();
  for (const socket of open.slice(0, fanout)) {
    socket.on('message', (data) => {
      const message = JSON.parse(/** @type {Buffer} */ (data).toString());
      const entry = pending.get(message.data?.label);
      if (message.type !== 'recipe.created' || !entry) return;
      latencyMs.push(performance.now() - entry.sent);
      if (--entry.left === 0) entry.done();
    });
  }
  for (let i = 0; i < events; i++) {
    const label = `fan-out ${i} ${Date.now()}`;
    const arrived = new Promise((done) =>
      pending.set(label, { sent: performance.now(), left: Math.min(fanout, open.length), done }),
    );
    const response = await fetch(`${server.url}/api/v1/recipes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label }),
    });
    if (response.status !== 201) throw new Error(`POST /recipes answered ${response.status}`);
    await arrived;
    pending.delete(label);
  }
  for (const socket of open) socket.terminate();

  setupMs.sort((x, y) => x - y);
  latencyMs.sort((x, y) => x - y);
  return {
    sockets,
    setupPerSecond: sockets / setupSeconds,
    setupMs: { p50: percentile(setupMs, 0.5), p99: percentile(setupMs, 0.99) },
    memory: {
      beforeMb: rssBeforeMb,
      openMb: rssOpenMb,
      perSocketKb:
        rssOpenMb !== undefined && rssBeforeMb !== undefined
          ? ((rssOpenMb - rssBeforeMb) * 1024) / sockets
          : undefined,
    },
    fanout: {
      sockets: Math.min(fanout, sockets),
      events,
      p50: percentile(latencyMs, 0.5),
      p99: percentile(latencyMs, 0.99),
    },
  };
}
