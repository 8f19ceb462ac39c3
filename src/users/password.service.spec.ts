import type { TestingModule } from '@nestjs/testing';
import { hash, parseOptions } from '@node-rs/argon2';
import { createServiceModule } from '../../test/helpers/module.js';
import { BoundedQueue, PasswordHashingBusyError, PasswordService } from './password.service.js';

describe('PasswordService', () => {
  let module: TestingModule;
  let passwords: PasswordService;

  beforeAll(async () => {
    module = await createServiceModule([PasswordService]);
    passwords = module.get(PasswordService);
  });
  afterAll(() => module.close());

  it('should hash with argon2id at the OWASP floor (m=19456, t=2, p=1)', async () => {
    const hashed = await passwords.hash('correct horse battery staple');
    expect(hashed.startsWith('$argon2id$')).toBe(true);
    expect(parseOptions(hashed)).toMatchObject({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
  });

  it('should verify the exact password only (no trimming, no case folding)', async () => {
    const hashed = await passwords.hash('Correct horse');
    await expect(passwords.verify(hashed, 'Correct horse')).resolves.toBe(true);
    await expect(passwords.verify(hashed, 'Correct horse ')).resolves.toBe(false);
    await expect(passwords.verify(hashed, 'correct horse')).resolves.toBe(false);
  });

  it('should treat a malformed stored hash as a mismatch, not an error', async () => {
    await expect(passwords.verify('not-a-hash', 'anything')).resolves.toBe(false);
  });

  it('should report weaker or foreign hashes as needing a rehash', async () => {
    const weak = await hash('pw', { memoryCost: 8192, timeCost: 1, parallelism: 1 });
    expect(passwords.needsRehash(weak)).toBe(true);
    expect(passwords.needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(true);
    expect(passwords.needsRehash(await passwords.hash('pw'))).toBe(false);
  });

  it('should still fail after spending a verify for an unknown account', async () => {
    await expect(passwords.verifyNothing('whatever')).resolves.toBe(false);
  });
});

describe('BoundedQueue', () => {
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  it('should run at most `limit` tasks at once and start the waiting ones in order', async () => {
    const queue = new BoundedQueue(2, 10);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      queue.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1].resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates.forEach((gate) => gate.resolve());
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('should refuse with 503 once `maxWaiting` tasks wait, and accept again when they are done', async () => {
    const queue = new BoundedQueue(1, 1);
    const gate = deferred();
    const running = queue.run(() => gate.promise);
    const waiting = queue.run(() => Promise.resolve('waited'));
    const refused = queue.run(() => Promise.resolve('never'));
    await expect(refused).rejects.toThrow(PasswordHashingBusyError);
    await expect(refused).rejects.toMatchObject({ status: 503 });
    gate.resolve();
    await running;
    await expect(waiting).resolves.toBe('waited');
    await expect(queue.run(() => Promise.resolve('again'))).resolves.toBe('again');
  });

  it('should free the slot when a task fails', async () => {
    const queue = new BoundedQueue(1, 0);
    await expect(queue.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});
