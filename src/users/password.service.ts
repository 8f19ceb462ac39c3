import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Inject, Injectable } from '@nestjs/common';
import { hash, parseOptions, verify, type Algorithm } from '@node-rs/argon2';
import { DomainError } from '../common/errors/domain.error.js';
import { authConfig, type AuthConfig } from '../config/configuration.js';

// @node-rs/argon2 ships Algorithm as a const enum, which isolatedModules cannot read.
const ARGON2ID = 2 as Algorithm.Argon2id;

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

/**
 * At most one argon2 job per core (and never more than three of libuv's four threads, so JWT
 * checks through WebCrypto and file I/O are never queued behind a login storm); more run slower,
 * not faster. A thousand waiting is ten seconds of work at ~20 ms a job on two cores.
 */
const argon2Queue = new BoundedQueue(Math.min(availableParallelism(), 3), 1000);

/** argon2id hashing; @node-rs/argon2 runs it on libuv's thread pool, off the event loop. */
@Injectable()
export class PasswordService {
  private readonly options: AuthConfig['argon2'] & { algorithm: Algorithm };
  private dummyHash?: Promise<string>;

  constructor(@Inject(authConfig.KEY) config: AuthConfig) {
    this.options = { ...config.argon2, algorithm: ARGON2ID };
  }

  hash(password: string): Promise<string> {
    return argon2Queue.run(() => hash(password, this.options));
  }

  async verify(hashed: string, password: string): Promise<boolean> {
    try {
      return await argon2Queue.run(() => verify(hashed, password));
    } catch (error) {
      if (error instanceof PasswordHashingBusyError) throw error;
      return false; // a malformed stored hash never matches
    }
  }

  /** Spends one verify on a throw-away hash, so an unknown email costs what a wrong password does. */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('hex')).catch((error: unknown) => {
      this.dummyHash = undefined; // refused while busy: the next call makes it
      throw error;
    });
    await this.verify(await this.dummyHash, password);
    return false;
  }

  /** True when the hash is not argon2id or weaker than the configured parameters in any way. */
  needsRehash(hashed: string): boolean {
    try {
      const used = parseOptions(hashed);
      return (
        used.algorithm !== ARGON2ID ||
        used.memoryCost < this.options.memoryCost ||
        used.timeCost < this.options.timeCost ||
        used.parallelism < this.options.parallelism
      );
    } catch {
      return true;
    }
  }
}
