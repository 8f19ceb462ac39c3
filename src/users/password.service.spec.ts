import type { TestingModule } from '@nestjs/testing';
import { hash, parseOptions } from '@node-rs/argon2';
import { createServiceModule } from '../../test/helpers/module.js';
import { PasswordService } from './password.service.js';

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

  it('should spend exactly one argon2 verify of the given password for an unknown account, and fail', async () => {
    const verify = vi.spyOn(passwords, 'verify');
    try {
      await expect(passwords.verifyNothing('whatever')).resolves.toBe(false);
      expect(verify).toHaveBeenCalledTimes(1);
      expect(verify).toHaveBeenCalledWith(expect.stringMatching(/^\$argon2id\$/), 'whatever');
      await expect(verify.mock.results[0]!.value).resolves.toBe(false);
    } finally {
      verify.mockRestore();
    }
  });
});
