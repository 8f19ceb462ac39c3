import { availableParallelism } from 'node:os';
import type { Options } from '@node-rs/argon2';
import { Piscina } from 'piscina';
import { DomainError } from '../common/errors/domain.error.js';

/** 503: more password checks are waiting than the server can finish in reasonable time. */
export class PasswordHashingBusyError extends DomainError {
  constructor() {
    super(503, 'busy', 'The server is busy checking passwords: try again in a few seconds.');
  }
}

/**
 * argon2 on `maxThreads` threads of their own at a lower CPU priority (nice 10), so the event
 * loop, JWT checks and libuv's file I/O never queue behind a login storm; up to `maxWaiting` jobs
 * wait their turn in order, past that a job is refused at once. Threads start when first needed.
 */
export class Argon2Pool {
  private readonly pool: Piscina;

  constructor(
    maxThreads: number,
    private readonly maxWaiting: number,
  ) {
    this.pool = new Piscina({
      filename: new URL('./argon2.worker.mjs', import.meta.url).href,
      minThreads: 0,
      maxThreads,
      maxQueue: maxWaiting,
      idleTimeout: Infinity,
      niceIncrement: 10,
    });
  }

  hash(password: string, options: Options): Promise<string> {
    return this.run('hash', { password, options });
  }

  verify(hashed: string, password: string): Promise<boolean> {
    return this.run('verify', { hashed, password });
  }

  destroy(): Promise<void> {
    return this.pool.destroy();
  }

  private run<T>(name: 'hash' | 'verify', job: object): Promise<T> {
    // Refused here, at piscina's own limit, so a full queue is a 503 and never a wrong password.
    if (this.pool.queueSize >= this.maxWaiting)
      return Promise.reject(new PasswordHashingBusyError());
    return this.pool.run(job, { name }) as Promise<T>;
  }
}

/**
 * One job per core at a time (more run slower, not faster). A thousand waiting is ten seconds of
 * work at ~20 ms a job on two cores; past that a login answers 503 at once.
 */
export const argon2 = new Argon2Pool(availableParallelism(), 1000);
