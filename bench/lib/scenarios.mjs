// @ts-check
// The scenarios, each one autocannon run (the storm: two at once) against a running server.
import autocannon from 'autocannon';
import { Agent, get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { login, pool } from './seed.mjs';

/** @typedef {import('./server.mjs').Server} Server */
/** @typedef {{ email: string, password: string }} Account */
/**
 * One round's figures for one scenario (the storm adds its logins' figures).
 * @typedef {{ rps: number, p50: number, p99: number, max?: number, requests: number, errors: number,
 *   timeouts: number, non2xx: number, statusCodes: Record<string, number>, logins?: Figures }} Figures
 */
/**
 * @typedef {object} Scenario
 * @property {string} name
 * @property {string} label
 * @property {Server} server the process it loads (its CPU time is read around each run)
 * @property {(prepared?: any) => autocannon.Options} [opts] one autocannon run
 * @property {() => Promise<any>} [prepare] set-up before each timed run, not timed
 * @property {(seconds: number) => Promise<Figures>} [run] a scenario that is not one autocannon run
 */

/**
 * The search scenario cycles through these: two common words (1 label in 20 each), a rare one
 * (1 in 10,000) and one no label has. The last two make the server scan the whole table, as any
 * selective search does without a text index. src/database/bulk-recipes.ts makes the labels.
 */
export const SEARCH_KEYWORDS = ['chicken', 'curry', 'vesuvio', 'quinoa'];

/** @param {autocannon.Options} opts @returns {Promise<autocannon.Result>} */

function fire(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ timeout: 30, ...opts }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/** @param {autocannon.Result} result @returns {Figures} */
export function figures(result) {
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]),
    ),
  };
}

/**
 * GET `url` every `everyMs` on a schedule that does not wait for answers (open loop, so a stall
 * shows in the figures instead of delaying the samples), each latency measured from its due time.
 */
/** @param {string} url @param {number} seconds @param {number} everyMs @returns {Promise<Figures>} */
async function probe(url, seconds, everyMs) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  /** @type {number[]} */
  const latencies = [];
  /** @type {Record<string, number>} */
  const statusCodes = {};
  let errors = 0;
  const pending = [];
  const began = performance.now();
  for (let i = 0; i < (seconds * 1000) / everyMs; i++) {
    const due = began + i * everyMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(
      new Promise((resolve) => {
        const request = get(url, { agent, timeout: 30_000 }, (response) => {
          response.resume();
          response.on('end', () => {
            latencies.push(performance.now() - due);
            statusCodes[response.statusCode] = (statusCodes[response.statusCode] ?? 0) + 1;
            resolve();
          });
        });
        request.on('error', () => {
          errors++;
          resolve();
        });
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((x, y) => x - y);
  const at = (q) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const non2xx = Object.entries(statusCodes).reduce(
    (n, [code, count]) => n + (code.startsWith('2') ? 0 : count),
    0,
  );
  return {
    rps: latencies.length / ((performance.now() - began) / 1000),
    p50: at(0.5),
    p99: at(0.99),
    max: latencies.at(-1) ?? NaN,
    requests: latencies.length,
    errors,
    timeouts: 0,
    non2xx,
    statusCodes,
  };
}

/** @param {Account} account */
const form = (account) =>
  new URLSearchParams({
    grant_type: 'password',
    username: account.email,
    password: account.password,
  }).toString();

/** Password-grant logins spread over the account pool, so no account has more than a couple in flight. */
/** @param {Account[]} accounts @returns {autocannon.Request[]} */
function loginRequests(accounts) {
  let next = 0;
  return [
    {
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      setupRequest: (request) => ({ ...request, body: form(accounts[next++ % accounts.length]) }),
    },
  ];
}

/**
 * Every refresh sends a refresh token that has never been used, as real clients do: each
 * connection's answer feeds its successor back into the queue the next request takes from. The
 * spares cover requests cut off at the end of a run. What is measured is the whole rotation
 * (lookup with session and user, retire, insert the successor, touch the session, sign a JWT).
 */
/** @param {string[]} tokens @returns {autocannon.Request[]} */
function refreshRequests(tokens) {
  const queue = [...tokens];
  return [
    {
      method: 'POST',
      path: '/api/v1/auth/refresh',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({
        ...request,
        body: JSON.stringify({ refresh_token: queue.shift() ?? 'exhausted' }),
      }),
      onResponse: (status, body) => {
        if (status === 200) queue.push(JSON.parse(body).refresh_token);
      },
    },
  ];
}

/**
 * The scenarios in the order a round runs them. `floor` is the bare Nest + Fastify app
 * (bench/floor-app.mjs), `a` the server with the small dataset, `b` the one with the large
 * dataset; POST /recipes writes to `b`, where a few thousand rows more change nothing, so `a`
 * stays at its size for the list and search comparison. `recipeRow` is the data generator of
 * the build (src/database/bulk-recipes.ts), so new recipes continue the seeded mix.
 * @param {{ floor: Server, a: Server, b: Server, small: number, large: number, accounts: Account[],
 *   meToken: string, writeToken: string, connections: number, rate: number, stormLogins: number,
 *   recipeRow: (i: number, owners: number[]) => [string, string | null, string, number] }} setting
 * @returns {Scenario[]}
 */
export function scenarios({
  floor,
  a,
  b,
  small,
  large,
  accounts,
  meToken,
  writeToken,
  connections,
  rate,
  stormLogins,
  recipeRow,
}) {
  const base = rate > 0 ? { connections, overallRate: rate } : { connections };
  let created = large;
  /** @param {Server} server */
  const search = (server) => ({
    ...base,
    url: server.url,
    requests: SEARCH_KEYWORDS.map((keyword) => ({
      method: 'GET',
      path: `/api/v1/recipes/search?keyword=${keyword}&max_results=10`,
    })),
  });
  return [
    // The floor: what Nest and Fastify cost with nothing of this server on the path.
    {
      name: 'floor',
      label: 'GET / (bare Nest + Fastify)',
      server: floor,
      opts: () => ({ ...base, url: `${floor.url}/` }),
    },
    {
      name: 'health',
      label: 'GET /health',
      server: a,
      opts: () => ({ ...base, url: `${a.url}/health` }),
    },
    {
      name: 'me',
      label: 'GET /api/v1/auth/me',
      server: a,
      opts: () => ({
        ...base,
        url: `${a.url}/api/v1/auth/me`,
        headers: { authorization: `Bearer ${meToken}` },
      }),
    },
    {
      name: 'list-small',
      label: `GET /recipes?limit=20 (${small})`,
      server: a,
      opts: () => ({ ...base, url: `${a.url}/api/v1/recipes?limit=20` }),
    },
    {
      name: 'list-large',
      label: `GET /recipes?limit=20 (${large})`,
      server: b,
      opts: () => ({ ...base, url: `${b.url}/api/v1/recipes?limit=20` }),
    },
    {
      name: 'search-small',
      label: `GET /recipes/search (${small})`,
      server: a,
      opts: () => search(a),
    },
    {
      name: 'search-large',
      label: `GET /recipes/search (${large})`,
      server: b,
      opts: () => search(b),
    },
    {
      name: 'create',
      label: 'POST /api/v1/recipes',
      server: b,
      // New recipes continue the dataset (same label mix), so the searches of later rounds meet
      // the newest rows as they met the seeded ones, not a block of one label on top.
      opts: () => ({
        ...base,
        url: b.url,
        requests: [
          {
            method: 'POST',
            path: '/api/v1/recipes',
            headers: { authorization: `Bearer ${writeToken}`, 'content-type': 'application/json' },
            setupRequest: (request) => {
              const [label, source, url] = recipeRow(++created, [0]);
              return {
                ...request,
                body: JSON.stringify({ label, source: source ?? undefined, url }),
              };
            },
          },
        ],
      }),
    },
    {
      name: 'login',
      label: 'POST /api/v1/auth/login',
      server: a,
      opts: () => ({ ...base, url: a.url, requests: loginRequests(accounts) }),
    },
    {
      name: 'refresh',
      label: 'POST /api/v1/auth/refresh',
      server: a,
      // Fresh sessions for every run (not timed): one chain per connection, plus spares.
      prepare: async () => {
        const sessions = await pool(accounts.slice(0, connections * 2), 4, (account) =>
          login(a, account),
        );
        return sessions.map((s) => s.refresh_token);
      },
      opts: (tokens) => ({ ...base, url: a.url, requests: refreshRequests(tokens) }),
    },
    {
      name: 'storm',
      label: `GET /health during ${stormLogins} logins`,
      server: a,
      // GET /health every 10 ms (open loop) while `stormLogins` logins are always in flight.
      run: async (seconds) => {
        const logins = fire({
          url: a.url,
          connections: stormLogins,
          duration: seconds + 1,
          requests: loginRequests(accounts),
        });
        await sleep(500);
        const health = await probe(`${a.url}/health`, seconds, 10);
        const storm = await logins;
        return { ...health, logins: figures(storm) };
      },
    },
  ];
}

/** What a scenario needs set up before it is timed (the refresh tokens), or undefined. @param {Scenario} scenario */
export function prepareScenario(scenario) {
  return scenario.prepare ? scenario.prepare() : Promise.resolve(undefined);
}

/**
 * Runs one scenario for `seconds` and returns its figures.
 * @param {Scenario} scenario @param {number} seconds @param {any} [prepared] @returns {Promise<Figures>}
 */
export async function runScenario(scenario, seconds, prepared) {
  if (scenario.run) return scenario.run(seconds);
  if (!scenario.opts) throw new Error(`scenario ${scenario.name} has neither run nor opts`);
  return figures(
    await fire({
      ...scenario.opts(prepared ?? (await prepareScenario(scenario))),
      duration: seconds,
    }),
  );
}
