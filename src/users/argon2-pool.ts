import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Options } from '@node-rs/argon2';
import { DomainError } from '../common/errors/domain.error.js';

/** 503: more password checks are waiting than the server can finish in reasonable time. */
export class PasswordHashingBusyError extends DomainError {
  constructor() {
    super(503, 'busy', 'The server is busy checking passwords: try again in a few seconds.');
  }
}

/** Runs at most `limit` tasks at once; up to `maxWaiting` more wait their turn in order; past that, refuses. */
export class BoundedQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.limit) {
      this.running++;
    } else {
      if (this.waiting.length >= this.maxWaiting) throw new PasswordHashingBusyError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next task
      else this.running--;
    }
  }
}

// A thread of its own, at a lower CPU priority (Linux: nice 10 for this thread only), so the
// event loop always gets a core before password hashing does; elsewhere it keeps the default.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const argon2 = require(workerData.argon2);
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  require('node:os').setPriority(tid, 10);
} catch {}
parentPort.on('message', ({ op, args }) => {
  try {
    parentPort.postMessage({ result: op === 'hash' ? argon2.hashSync(...args) : argon2.verifySync(...args) });
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
});`;

const ARGON2_MODULE = createRequire(import.meta.url).resolve('@node-rs/argon2');

/** argon2 on worker threads, started when first needed and reused; one job per thread at a time. */
class Argon2Threads {
  private readonly idle: Worker[] = [];

  run<T>(op: 'hash' | 'verify', args: unknown[]): Promise<T> {
    const worker = this.idle.pop() ?? this.spawn();
    return new Promise<T>((resolve, reject) => {
      const settle = () => worker.off('message', onMessage).off('error', reject).off('exit', onExit);
      const onMessage = ({ result, error }: { result?: T; error?: string }) => {
        settle();
        this.idle.push(worker);
        if (error === undefined) resolve(result as T);
        else reject(new Error(error));
      };
      const onExit = (code: number) => {
        settle();
        reject(new Error(`the argon2 thread exited (${code})`));
      };
      worker.on('message', onMessage).once('error', reject).once('exit', onExit);
      worker.postMessage({ op, args });
    });
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { argon2: ARGON2_MODULE } });
    worker.unref(); // idle hashing threads never keep the process alive
    worker.on('error', () => undefined); // a job in flight is rejected by its own listener
    worker.on('exit', () => {
      const index = this.idle.indexOf(worker);
      if (index >= 0) this.idle.splice(index, 1);
    });
    return worker;
  }
}

/**
 * One argon2 job per core at a time (more run slower, not faster), off the event loop and off
 * libuv's pool, so JWT checks and file I/O never queue behind a login storm. A thousand waiting
 * is ten seconds of work at ~20 ms a job on two cores; past that a login answers 503 at once.
 */
const queue = new BoundedQueue(availableParallelism(), 1000);
const threads = new Argon2Threads();

export const argon2 = {
  hash: (password: string, options: Options): Promise<string> =>
    queue.run(() => threads.run<string>('hash', [password, options])),
  verify: (hashed: string, password: string): Promise<boolean> =>
    queue.run(() => threads.run<boolean>('verify', [hashed, password])),
};
