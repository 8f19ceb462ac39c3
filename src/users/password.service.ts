import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { parseOptions, type Algorithm } from '@node-rs/argon2';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import { argon2, PasswordHashingBusyError } from './argon2-pool.js';

// @node-rs/argon2 ships Algorithm as a const enum, which isolatedModules cannot read.
const ARGON2ID = 2 as Algorithm.Argon2id;

/** argon2id hashing, on worker threads of its own with a bounded queue (argon2-pool.ts). */
@Injectable()
export class PasswordService {
  private readonly options: AuthConfig['argon2'] & { algorithm: Algorithm };
  private dummyHash?: Promise<string>;

  constructor(@Inject(authConfig.KEY) config: AuthConfig) {
    this.options = { ...config.argon2, algorithm: ARGON2ID };
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  async verify(hashed: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hashed, password);
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
