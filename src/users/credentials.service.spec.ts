import type { TestingModule } from '@nestjs/testing';
import { createServiceModule } from '../../test/helpers/module.js';
import { TooManyRequestsError, ValidationError } from '../common/errors/domain.error.js';
import { CredentialsService } from './credentials.service.js';
import { passwordAttemptsProviders } from './password-attempts.service.js';
import { PasswordService } from './password.service.js';
import { UsersService } from './users.service.js';

describe('CredentialsService', () => {
  let module: TestingModule;
  let credentials: CredentialsService;
  let users: UsersService;

  beforeAll(async () => {
    module = await createServiceModule([
      CredentialsService,
      UsersService,
      PasswordService,
      ...passwordAttemptsProviders,
    ]);
    credentials = module.get(CredentialsService);
    users = module.get(UsersService);
  });
  afterAll(() => module.close());

  it('should answer the account for its password, and null for a wrong one, an unknown email or an inactive account', async () => {
    const user = await users.create({ email: 'verify@example.com', password: 'right password' });
    await expect(credentials.verify('VERIFY@example.com', 'right password')).resolves.toMatchObject(
      { id: user.id },
    );
    await expect(credentials.verify('verify@example.com', 'wrong password')).resolves.toBeNull();
    await expect(credentials.verify('nobody@example.com', 'right password')).resolves.toBeNull();
    await users.update(user, { is_active: false });
    await expect(credentials.verify('verify@example.com', 'right password')).resolves.toBeNull();
  });

  it('should spend one argon2 verify on an unknown email and on an inactive account, as on a wrong password', async () => {
    const user = await users.create({ email: 'cost@example.com', password: 'right password' });
    const verify = vi.spyOn(module.get(PasswordService), 'verify');
    try {
      const calls: number[] = [];
      for (const email of ['cost@example.com', 'nobody-cost@example.com']) {
        verify.mockClear();
        await expect(credentials.verify(email, 'wrong password')).resolves.toBeNull();
        calls.push(verify.mock.calls.length);
      }
      await users.update(user, { is_active: false });
      verify.mockClear();
      await expect(credentials.verify('cost@example.com', 'right password')).resolves.toBeNull();
      calls.push(verify.mock.calls.length);
      expect(calls).toEqual([1, 1, 1]);
    } finally {
      verify.mockRestore();
    }
  });

  it('should refuse a password change with the wrong current password, on current_password', async () => {
    const user = await users.create({ email: 'wrong@example.com', password: 'first password' });
    await expect(
      credentials.changePassword(user, 'sid', 'not it', 'second password'),
    ).rejects.toThrow(
      expect.objectContaining({
        errors: [{ field: 'current_password', message: 'the password is not correct' }],
      }),
    );
    await expect(credentials.deleteOwnAccount(user, 'not it')).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(users.get(user.id)).resolves.toMatchObject({ id: user.id });
  });

  it('should count confirmations and logins together: 10 wrong confirmations lock the login', async () => {
    const user = await users.create({ email: 'locked@example.com', password: 'first password' });
    for (let i = 0; i < 10; i++) {
      await expect(credentials.deleteOwnAccount(user, 'not it')).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
    await expect(credentials.verify('locked@example.com', 'first password')).rejects.toBeInstanceOf(
      TooManyRequestsError,
    );
    await expect(
      credentials.changePassword(user, 'sid', 'first password', 'second password'),
    ).rejects.toMatchObject({
      status: 429,
      message: 'Too many wrong passwords for this account: try again later.',
    });
  });
});
