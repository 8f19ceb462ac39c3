import { hash } from '@node-rs/argon2';
import { argon2, BoundedQueue, PasswordHashingBusyError } from './argon2-pool.js';

describe('argon2 on worker threads', () => {
  it('should hash and verify off the main thread, with the options given', async () => {
    const hashed = await argon2.hash('correct horse', { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 });
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(argon2.verify(hashed, 'correct horse')).resolves.toBe(true);
    await expect(argon2.verify(hashed, 'correct horse!')).resolves.toBe(false);
  });

  it('should verify hashes made elsewhere, and reject a malformed one', async () => {
    const hashed = await hash('made on libuv', { memoryCost: 19456, timeCost: 2, parallelism: 1 });
    await expect(argon2.verify(hashed, 'made on libuv')).resolves.toBe(true);
    await expect(argon2.verify('not-a-hash', 'anything')).rejects.toThrow();
  });

  it('should keep answering many jobs at once, in any order', async () => {
    const hashed = await argon2.hash('many', { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => argon2.verify(hashed, i % 2 ? 'many' : 'wrong')),
    );
    expect(answers).toEqual([false, true, false, true, false, true, false, true]);
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
