// @ts-check
// Starts `node dist/main.js` (or the floor app) as a child process and tells when it answers;
// reads its memory and CPU time.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A started process and where it answers.
 * @typedef {{ name: string, port: number, child: import('node:child_process').ChildProcess, pid: number,
 *   exited: Promise<{ code: number | null, signal: string | null }>, url: string, readyPath: string,
 *   output: () => string, coldStartMs?: number }} Server
 */

/** A TCP port nobody listens on right now (the kernel picks it). @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process in MB (VmRSS), or the peak so far (VmHWM). @param {number} pid */
export function residentMb(pid, field = 'VmRSS') {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds a process has used so far: its main thread (the event loop) and all its threads,
 * from /proc (clock ticks of 10 ms; over a multi-second run that is precise enough).
 */
export function cpuSeconds(/** @type {number} */ pid) {
  const ticks = (/** @type {string} */ path) => {
    try {
      // Fields after the command name, which is in parentheses and may contain spaces.
      const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime
    } catch {
      return NaN;
    }
  };
  return { main: ticks(`/proc/${pid}/task/${pid}/stat`), all: ticks(`/proc/${pid}/stat`) };
}

/**
 * Spawns `script` (the built server by default) and resolves once GET `readyPath` answers 200,
 * with the milliseconds from spawn to that first 200. Rejects, with the server's last output, if
 * it exits first.
 * @param {{ name: string, port: number, env: Record<string, string>, nodeArgs?: string[], cwd: string,
 *   script?: string, readyPath?: string, timeoutMs?: number }} options
 * @returns {Promise<Server>}
 */
export async function startServer({
  name,
  port,
  env,
  nodeArgs = [],
  cwd,
  script = 'dist/main.js',
  readyPath = '/health',
  timeoutMs = 30_000,
}) {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  /** @type {Promise<{ code: number | null, signal: string | null }>} */
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const server = {
    name,
    port,
    child,
    pid: child.pid,
    exited,
    url: `http://127.0.0.1:${port}`,
    readyPath,
    output: () => output,
  };

  /** @type {{ code: number | null, signal: string | null } | undefined} */
  let gone;
  void exited.then((how) => {
    gone = how;
  });
  while (performance.now() - started < timeoutMs) {
    if (gone) {
      throw Object.assign(
        new Error(
          `server ${name} exited (${gone.code ?? gone.signal}) before answering ${readyPath}`,
        ),
        { serverOutput: output },
      );
    }
    try {
      const response = await fetch(`${server.url}${readyPath}`, {
        signal: AbortSignal.timeout(1000),
      });
      await response.arrayBuffer();
      if (response.status === 200) {
        server.coldStartMs = performance.now() - started;
        return server;
      }
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
  await stopServer(server);
  throw Object.assign(
    new Error(`server ${name} did not answer ${readyPath} within ${timeoutMs} ms`),
    { serverOutput: output },
  );
}

/** SIGTERM (the server closes gracefully), SIGKILL after 10 s; resolves when the process is gone. @param {Server} server */
export async function stopServer(server) {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
  await server.exited;
  clearTimeout(timer);
}

/**
 * Waits until the server has finished what earlier runs left queued (logins still hashing after
 * autocannon stopped, say): it answers, and then spends under 5% of a core for 200 ms.
 */
export async function settle(/** @type {Server} */ server, ms = 250) {
  try {
    const response = await fetch(`${server.url}${server.readyPath}`, {
      signal: AbortSignal.timeout(60_000),
    });
    await response.arrayBuffer();
  } catch {
    // reported by the next scenario
  }
  const until = performance.now() + 30_000;
  let before = cpuSeconds(server.pid).all;
  while (performance.now() < until) {
    await sleep(200);
    const now = cpuSeconds(server.pid).all;
    if (!(now - before > 0.01)) break;
    before = now;
  }
  await sleep(ms);
}
