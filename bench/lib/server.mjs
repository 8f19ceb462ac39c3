// Starts `node dist/main.js` as a child process and tells when it answers; reads its memory.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A TCP port nobody listens on right now (the kernel picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process in MB (VmRSS), or the peak so far (VmHWM). */
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
export function cpuSeconds(pid) {
  const ticks = (path) => {
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
 * Spawns the built server and resolves once GET /health answers 200, with the milliseconds from
 * spawn to that first 200. Rejects, with the server's last output, if it exits first.
 */
export async function startServer({ name, port, env, nodeArgs = [], cwd, timeoutMs = 30_000 }) {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, 'dist/main.js'], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const server = { name, port, child, pid: child.pid, exited, url: `http://127.0.0.1:${port}`, output: () => output };

  let gone;
  void exited.then((how) => {
    gone = how;
  });
  while (performance.now() - started < timeoutMs) {
    if (gone) {
      const error = new Error(`server ${name} exited (${gone.code ?? gone.signal}) before answering /health`);
      error.serverOutput = output;
      throw error;
    }
    try {
      const response = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(1000) });
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
  const error = new Error(`server ${name} did not answer /health within ${timeoutMs} ms`);
  error.serverOutput = output;
  throw error;
}

/** SIGTERM (the server closes gracefully), SIGKILL after 10 s; resolves when the process is gone. */
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
export async function settle(server, ms = 250) {
  try {
    const response = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(60_000) });
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
