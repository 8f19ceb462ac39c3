// @ts-check
// npm run bench [-- --rounds 3 --duration 5 --only me,health --pg --baseline ../other-build]
// The runner: prepares the data, starts the servers, runs the scenarios (lib/scenarios.mjs) in
// interleaved rounds and prints the report (lib/report.mjs). The npm script builds first; this
// file only runs dist/ and bench/floor-app.mjs. See docs/performance.md.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { hash, verify } from '@node-rs/argon2';
import { prepareScenario, runScenario, scenarios } from './lib/scenarios.mjs';
import { compare, median, render, summarize, targets } from './lib/report.mjs';
import { login, me, pgAdmin, seedRecipes, signUp } from './lib/seed.mjs';
import { realtimeBench } from './lib/realtime.mjs';
import {
  cpuSeconds,
  freePort,
  residentMb,
  settle,
  startServer,
  stopServer,
} from './lib/server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '16' },
    rate: { type: 'string', default: '0' },
    small: { type: 'string', default: '10000' },
    large: { type: 'string', default: '1000000' },
    accounts: { type: 'string', default: '64' },
    storm: { type: 'string', default: '64' },
    starts: { type: 'string', default: '3' },
    sockets: { type: 'string', default: '200' },
    'fanout-sockets': { type: 'string', default: '100' },
    events: { type: 'string', default: '50' },
    only: { type: 'string' },
    pg: { type: 'boolean', default: false },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
    baseline: { type: 'string' },
    'node-args': { type: 'string', default: '' },
    profile: { type: 'string' },
    out: { type: 'string', default: join(root, 'bench/results/latest.json') },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`npm run bench -- [options]
  --rounds N        rounds of interleaved scenarios (3)
  --duration S      seconds per scenario per round (5)
  --warmup S        seconds per scenario before round 1, not recorded (1)
  --connections N   autocannon connections (16)
  --rate N          at most N requests per second per scenario (0: as fast as the server answers);
                    under a fixed rate compare the server CPU ms/req, steadier on a busy machine
  --small N / --large N   recipes in the two datasets (10000 / 1000000)
  --accounts N      accounts the logins rotate over (64)
  --storm N         logins in flight during the storm (64)
  --starts N        server starts timed for the cold start (3)
  --sockets N       WebSockets opened and authenticated at the end, for the setup rate and the
                    memory they take (200)
  --fanout-sockets N / --events N   recipes created one by one, each timed from the POST to
                    its arrival on N of those sockets (100 / 50)
  --only a,b        only these scenarios: floor,health,me,list-small,list-large,search-small,
                    search-large,create,login,refresh,storm,realtime
  --pg              PostgreSQL: fresh databases on --pg-url (postgres://postgres@127.0.0.1:5432)
  --baseline DIR    also run the build in DIR (another checkout after \`npm run build\`) on its own
                    servers, each scenario right after this one's: a before/after in one run
  --node-args="…"   extra node flags for the servers (note the =)
  --profile DIR     CPU profiles of the servers into DIR (node --cpu-prof); read one with
                    node bench/profile.mjs DIR/<file>.cpuprofile
  --out FILE        where the JSON goes (bench/results/latest.json)`);
  process.exit(0);
}
/** @param {keyof typeof args} name */
const int = (name) => {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  return value;
};
const config = {
  rounds: int('rounds'),
  duration: int('duration'),
  warmup: int('warmup'),
  connections: int('connections'),
  rate: int('rate'),
  small: int('small'),
  large: int('large'),
  accounts: int('accounts'),
  storm: int('storm'),
  starts: Math.max(1, int('starts')),
  sockets: int('sockets'),
  fanoutSockets: int('fanout-sockets'),
  events: int('events'),
  database: args.pg ? 'PostgreSQL' : 'SQLite',
};
const only = args.only?.split(',').map((s) => s.trim());
const nodeArgs = args['node-args'].split(' ').filter(Boolean);
if (args.profile) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${resolve(args.profile)}`);

/** This checkout and the baseline's, each gathering its data, servers and results as the run goes. @type {any[]} */
const builds = [{ key: 'current', dir: root }];
if (args.baseline) builds.push({ key: 'baseline', dir: resolve(args.baseline) });
for (const { dir } of builds) {
  if (!existsSync(join(dir, 'dist/main.js'))) {
    console.error(
      `${dir}/dist/main.js is missing: \`npm run bench\` builds this checkout; build a baseline with \`npm run build\`.`,
    );
    process.exit(1);
  }
}

/** @param {string} message */
const log = (message) => console.log(`[bench] ${message}`);
const work = mkdtempSync(join(tmpdir(), 'recipe-bench-'));
const runId = `${process.pid}_${randomBytes(3).toString('hex')}`;
const pgBase = args['pg-url'].replace(/\/+$/, '');
const pgDatabases = [];
const running = new Set();

function databaseUrl(name) {
  if (!args.pg) return `sqlite:${join(work, `${name}.db`)}`;
  const database = `recipe_bench_${runId}_${name.replace(/\W/g, '_')}`;
  pgDatabases.push(database);
  return `${pgBase}/${database}`;
}

const password = `bench ${randomBytes(9).toString('base64url')} horse`;
const baseEnv = {
  NODE_ENV: 'production',
  JWT_SECRET: randomBytes(48).toString('base64'),
  RATE_LIMIT_ENABLED: 'false',
  LOG_LEVEL: 'warn',
  // The WebSocket figures open all their sockets as one user.
  WS_MAX_SOCKETS_PER_USER: '1000',
  // Argon2 parameters stay whatever the caller's environment says (the server's defaults otherwise).
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('ARGON2_'))),
};

async function start(build, name, url) {
  const server = await startServer({
    name: `${build.key}-${name}`,
    port: await freePort(),
    env: { ...baseEnv, DATABASE_URL: url },
    nodeArgs,
    cwd: build.dir,
  });
  running.add(server);
  return server;
}

async function stop(server) {
  await stopServer(server);
  running.delete(server);
}

async function cleanUp() {
  await Promise.all([...running].map((server) => stopServer(server)));
  running.clear();
  rmSync(work, { recursive: true, force: true });
  for (const database of pgDatabases.splice(0)) {
    await pgAdmin(pgBase, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch((error) =>
      console.error(`[bench] could not drop ${database}: ${error.message}`),
    );
  }
}

process.once('SIGINT', () => {
  void cleanUp().finally(() => process.exit(130));
});

/** argon2id at the server's configured parameters (its own env validation gives them), timed here. */
async function argon2Timer() {
  const { validateEnv } = await import(join(root, 'dist/config/env.schema.js'));
  const env = validateEnv({ ...baseEnv, DATABASE_URL: 'sqlite::memory:' });
  const params = {
    memoryCost: env.ARGON2_MEMORY_COST,
    timeCost: env.ARGON2_TIME_COST,
    parallelism: env.ARGON2_PARALLELISM,
  };
  const hashed = await hash(password, { ...params, algorithm: 2 });
  const cores = availableParallelism();
  /** Median of `n` verifies one after another, in ms. */
  const verifyMs = async (n) => {
    const samples = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await verify(hashed, password);
      samples.push(performance.now() - t);
    }
    return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
  };
  /** Verifies per second with `cores` of them running at once for `ms`. */
  const parallelPerSecond = async (ms) => {
    let done = 0;
    const began = performance.now();
    await Promise.all(
      Array.from({ length: cores }, async () => {
        while (performance.now() - began < ms) {
          await verify(hashed, password);
          done++;
        }
      }),
    );
    return done / ((performance.now() - began) / 1000);
  };
  return { params, cores, verifyMs, parallelPerSecond };
}

/** How busy the machine is besides us: load averages and the kernel's CPU pressure (PSI). */
function machineLoad() {
  let cpuPressure;
  try {
    cpuPressure = readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0];
  } catch {
    cpuPressure = undefined;
  }
  return { loadavg: loadavg().map((n) => Number(n.toFixed(2))), cpuPressure };
}

/**
 * A build's two databases: migrated by a first start, accounts signed up through the API (real
 * argon2 hashes), then recipes bulk-loaded while no server runs.
 */
async function prepareData(build) {
  const smallUrl = databaseUrl(`${build.key}-small`);
  const largeUrl = databaseUrl(`${build.key}-large`);
  for (const url of args.pg ? [smallUrl, largeUrl] : []) {
    await pgAdmin(pgBase, `CREATE DATABASE "${url.split('/').pop()}"`);
  }
  log(`${build.key}: first start on ${config.database} (migrations), ${config.accounts} accounts`);
  const first = await start(build, 'small', smallUrl);
  const firstBootMs = first.coldStartMs;
  const accounts = await signUp(first, config.accounts, 'cook', password);
  const [writerA] = await signUp(first, 1, 'writer', password);
  await stop(first);
  const firstLarge = await start(build, 'large', largeUrl);
  const [writerB] = await signUp(firstLarge, 1, 'writer', password);
  await stop(firstLarge);
  for (const [name, url, count] of /** @type {const} */ ([
    ['small', smallUrl, config.small],
    ['large', largeUrl, config.large],
  ])) {
    const t = performance.now();
    // The build's own seed script: another build's would apply its own migrations to this database.
    await seedRecipes(build.dir, baseEnv, url, count);
    log(
      `${build.key}: seeded ${count} recipes into the ${name} database in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  return { smallUrl, largeUrl, firstBootMs, accounts, writerA, writerB };
}

/** Timed starts of the small-dataset server (the last one stays up), then the large one. */
async function startServers(build, data) {
  log(`${build.key}: cold start, ${config.starts} starts`);
  const samples = [];
  let a;
  for (let i = 0; i < config.starts; i++) {
    if (a) await stop(a);
    a = await start(build, 'small', data.smallUrl);
    samples.push(a.coldStartMs);
  }
  const b = await start(build, 'large', data.largeUrl);
  const coldStart = {
    median: median(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
    samples,
    firstBootMs: data.firstBootMs,
    largeMs: b.coldStartMs,
  };
  return { a, b, coldStart };
}

/** GET /ws on the small-dataset server, after the HTTP scenarios (lib/realtime.mjs). */
async function realtime(build) {
  log(`${build.key}: WebSockets: ${config.sockets} opened, fan-out to ${config.fanoutSockets}`);
  try {
    const token = (await login(build.a, build.data.writerA)).access_token;
    const r = await realtimeBench({
      server: build.a,
      token,
      sockets: config.sockets,
      fanout: config.fanoutSockets,
      events: config.events,
    });
    log(
      `  ws setup     ${r.setupPerSecond.toFixed(0).padStart(6)} sockets/s  p50 ${r.setupMs.p50.toFixed(1)} ms  ` +
        `p99 ${r.setupMs.p99.toFixed(1)} ms; RSS ${r.memory.beforeMb?.toFixed(0)} MB → ` +
        `${r.memory.openMb?.toFixed(0)} MB with ${r.sockets} open`,
    );
    log(
      `  ws fan-out   ${r.fanout.events} events × ${r.fanout.sockets} sockets, create → receipt ` +
        `p50 ${r.fanout.p50.toFixed(1)} ms  p99 ${r.fanout.p99.toFixed(1)} ms`,
    );
    return r;
  } catch (error) {
    log(`  ${build.key}: no WebSocket figures (${error.message})`);
    return undefined;
  }
}

function describeFailure(error) {
  console.error(`[bench] failed: ${error.stack ?? error}`);
  if (error.serverOutput) console.error(`[bench] server output:\n${error.serverOutput}`);
}

async function main() {
  const machine = {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
    os: `${process.platform} ${release()}`,
    date: new Date().toISOString(),
    loadAtStart: machineLoad(),
  };

  for (const build of builds) {
    try {
      build.data = await prepareData(build);
    } catch (error) {
      if (args.pg && error.serverOutput !== undefined) {
        console.error(
          `\n[bench] The ${build.key} server could not start on PostgreSQL (${pgBase}).`,
        );
        console.error(
          '[bench] PostgreSQL support may not have landed in this build yet. Server output:\n',
        );
        console.error(error.serverOutput);
        process.exitCode = 2;
        return;
      }
      throw error;
    }
  }

  log('argon2id verify timing (servers stopped)');
  const timer = await argon2Timer();
  const verifyMs = await timer.verifyMs(15);
  const argon2 = {
    params: timer.params,
    cores: timer.cores,
    verifyMs,
    limitPerSecond: timer.cores / (verifyMs.median / 1000),
    parallelPerSecond: await timer.parallelPerSecond(2000),
  };

  for (const build of builds) {
    Object.assign(build, await startServers(build, build.data));
  }
  // One floor for every build, started like the server but from this checkout.
  const floor = await startServer({
    name: 'floor',
    port: await freePort(),
    env: {},
    nodeArgs,
    cwd: root,
    script: 'bench/floor-app.mjs',
    readyPath: '/',
  });
  running.add(floor);
  const { recipeRow } = await import(join(root, 'dist/database/bulk-recipes.js'));
  await sleep(2000);
  for (const build of builds) {
    const { a, b, data } = build;
    build.memory = { idleMb: residentMb(a.pid), idleLargeMb: residentMb(b.pid) };
    const meToken = (await login(a, data.writerA)).access_token;
    await me(a, meToken);
    const writeToken = (await login(b, data.writerB)).access_token;
    const all = scenarios({
      floor,
      a,
      b,
      recipeRow,
      small: config.small,
      large: config.large,
      accounts: data.accounts,
      meToken,
      writeToken,
      connections: config.connections,
      rate: config.rate,
      stormLogins: config.storm,
    });
    build.scenarios = all.filter((s) => !only || only.includes(s.name));
    if (build.scenarios.length === 0 && !only?.includes('realtime'))
      throw new Error(`--only matched no scenario (${all.map((s) => s.name).join(', ')})`);
    build.results = Object.fromEntries(
      build.scenarios.map((s) => [s.name, { label: s.label, rounds: [], rssPeakMb: 0 }]),
    );
  }

  if (config.warmup > 0) {
    log(`warm-up: ${config.warmup} s per scenario`);
    for (const build of builds) {
      for (const scenario of build.scenarios) {
        await runScenario(scenario, config.warmup);
        await settle(scenario.server);
      }
    }
  }

  for (let round = 1; round <= config.rounds; round++) {
    log(`round ${round}/${config.rounds}`);
    for (let s = 0; s < builds[0].scenarios.length; s++) {
      // With a baseline, the two builds take turns going first.
      const order = round % 2 ? builds : [...builds].reverse();
      // The login target's yardstick, timed in the same round (the servers idle meanwhile): one
      // verify at a time (the issue's limit: cores ÷ its time) and `cores` at once (what the
      // hardware gives when every core hashes; shared caches make it less).
      const login = builds[0].scenarios[s].name === 'login';
      const verify = login ? (await timer.verifyMs(8)).median : undefined;
      const parallel = login ? await timer.parallelPerSecond(1000) : undefined;
      for (const build of order) {
        const scenario = build.scenarios[s];
        const entry = build.results[scenario.name];
        const sampler = setInterval(() => {
          entry.rssPeakMb = Math.max(entry.rssPeakMb, residentMb(scenario.server.pid) ?? 0);
        }, 200);
        const prepared = await prepareScenario(scenario);
        const cpuBefore = cpuSeconds(scenario.server.pid);
        /** @type {import('./lib/report.mjs').Round} */
        let r;
        try {
          r = await runScenario(scenario, config.duration, prepared);
        } finally {
          clearInterval(sampler);
        }
        await settle(scenario.server);
        const cpuAfter = cpuSeconds(scenario.server.pid);
        // CPU the server spent per answer (in the storm: per login), whatever else the machine ran.
        const answers = r.logins ? r.logins.requests : r.requests;
        r.cpuMsPerRequest = {
          main: ((cpuAfter.main - cpuBefore.main) * 1000) / answers,
          all: ((cpuAfter.all - cpuBefore.all) * 1000) / answers,
        };
        if (login)
          Object.assign(r, {
            verifyMs: verify,
            limitPerSecond: timer.cores / (verify / 1000),
            parallelPerSecond: parallel,
          });
        entry.rounds.push(r);
        log(
          `  ${builds.length > 1 ? `${build.key.padEnd(9)}` : ''}${scenario.name.padEnd(13)} ${r.rps.toFixed(0).padStart(6)} req/s  ` +
            `p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  errors ${r.errors + r.timeouts}  non-2xx ${r.non2xx}  ` +
            `cpu/req ${r.cpuMsPerRequest.main.toFixed(2)} ms loop, ${r.cpuMsPerRequest.all.toFixed(2)} ms all`,
        );
      }
    }
  }

  await sleep(2000);
  for (const build of builds) {
    for (const entry of Object.values(build.results)) {
      entry.summary = summarize(entry.rounds);
      if (entry.rounds[0]?.logins)
        entry.loginSummary = summarize(entry.rounds.map((r) => r.logins));
    }
    Object.assign(build.memory, {
      idleAfterMb: residentMb(build.a.pid),
      idleAfterLargeMb: residentMb(build.b.pid),
      peakMb: residentMb(build.a.pid, 'VmHWM'),
      peakLargeMb: residentMb(build.b.pid, 'VmHWM'),
    });
    if (!only || only.includes('realtime')) build.realtime = await realtime(build);
    await stop(build.a);
    await stop(build.b);
    build.goals = targets(build);
  }
  await stop(floor);
  machine.loadAtEnd = machineLoad();

  const report = {
    machine,
    config: { ...config, only, nodeArgs, baseline: args.baseline },
    argon2,
    ...Object.fromEntries(
      builds.map(({ key, dir, coldStart, memory, results, goals, realtime }) => [
        key,
        { dir, coldStart, memory, results, targets: goals, realtime },
      ]),
    ),
  };
  for (const build of builds) {
    if (builds.length > 1) console.log(`\n## ${build.key} (${build.dir})`);
    console.log(`\n${render({ ...build, argon2, machine, config })}`);
  }
  if (builds.length > 1)
    console.log(`\n## current vs baseline\n\n${compare(builds[0], builds[1])}`);
  mkdirSync(dirname(resolve(args.out)), { recursive: true });
  writeFileSync(resolve(args.out), `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${resolve(args.out)}`);
}

try {
  await main();
} catch (error) {
  describeFailure(error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
