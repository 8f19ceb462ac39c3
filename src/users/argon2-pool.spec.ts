import { readdirSync, readFileSync } from 'node:fs';
import { hash } from '@node-rs/argon2';
import { argon2, Argon2Pool, PasswordHashingBusyError } from './argon2-pool.js';

const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 } as const;

describe('argon2 on worker threads', () => {
  it('should hash and verify off the main thread, with the options given', async () => {
    const hashed = await argon2.hash('correct horse', OPTIONS);
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(argon2.verify(hashed, 'correct horse')).resolves.toBe(true);
    await expect(argon2.verify(hashed, 'correct horse!')).resolves.toBe(false);
  });

  it('should verify hashes made elsewhere, and reject a malformed one', async () => {
    const hashed = await hash('made on libuv', { memoryCost: 19456, timeCost: 2, parallelism: 1 });
    await expect(argon2.verify(hashed, 'made on libuv')).resolves.toBe(true);
    await expect(argon2.verify('not-a-hash', 'anything')).rejects.toThrow('Decoding failed');
  });

  it('should keep answering many jobs at once, in any order', async () => {
    const hashed = await argon2.hash('many', OPTIONS);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => argon2.verify(hashed, i % 2 ? 'many' : 'wrong')),
    );
    expect(answers).toEqual([false, true, false, true, false, true, false, true]);
  });

  it.runIf(process.platform === 'linux')(
    'should hash at a lower CPU priority than the event loop',
    async () => {
      const pool = new Argon2Pool(1, 10);
      try {
        const before = new Set(readdirSync('/proc/self/task'));
        const hashing = pool.hash('niced', { ...OPTIONS, timeCost: 40 });
        // The thread is new; field 19 of its stat line is its nice value (after the parenthesised name).
        const niceOf = (tid: string) =>
          Number(
            readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16],
          );
        let done = false;
        const hashed = hashing.finally(() => (done = true));
        let niced: number[] = [];
        while (niced.length === 0 && !done) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          niced = readdirSync('/proc/self/task')
            .filter((tid) => !before.has(tid))
            .map(niceOf)
            .filter((nice) => nice > 0);
        }
        expect(niced).toContain(10);
        expect(niceOf(String(process.pid))).toBe(0);
        await hashed;
      } finally {
        await pool.destroy();
      }
    },
  );
});

describe('Argon2Pool limits', () => {
  it('should refuse with 503 once `maxWaiting` jobs wait, and accept again when they are done', async () => {
    const pool = new Argon2Pool(1, 1);
    try {
      const hashed = await pool.hash('queued', OPTIONS);
      const running = pool.verify(hashed, 'queued');
      const waiting = pool.verify(hashed, 'wrong');
      const refused = pool.verify(hashed, 'queued');
      await expect(refused).rejects.toThrow(PasswordHashingBusyError);
      await expect(refused).rejects.toMatchObject({ status: 503 });
      await expect(running).resolves.toBe(true);
      await expect(waiting).resolves.toBe(false);
      await expect(pool.verify(hashed, 'queued')).resolves.toBe(true);
    } finally {
      await pool.destroy();
    }
  });
});
