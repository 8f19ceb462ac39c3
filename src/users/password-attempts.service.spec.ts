import { TooManyRequestsError } from '../common/errors/domain.error.js';
import { attemptLimiter } from '../common/throttling/rate-limit-storage.js';
import { PasswordAttemptsService } from './password-attempts.service.js';

const WINDOW_MS = 15 * 60_000;

describe('PasswordAttemptsService', () => {
  let attempts: PasswordAttemptsService;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    attempts = new PasswordAttemptsService(attemptLimiter(3, WINDOW_MS));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function fail(email: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++) await attempts.begin(email);
  }

  it('should allow LOGIN_MAX_FAILURES failed attempts, then refuse with a 429 and a Retry-After', async () => {
    await fail('cook@example.com', 3);
    const refusal = attempts.begin('cook@example.com');
    await expect(refusal).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(refusal).rejects.toMatchObject({
      status: 429,
      code: 'too-many-requests',
      retryAfterSeconds: 900,
    });
  });

  it('should count the email case-insensitively', async () => {
    await fail('Cook@Example.com', 3);
    await expect(attempts.begin('cook@example.COM')).rejects.toBeInstanceOf(TooManyRequestsError);
  });

  it('should leave other accounts alone', async () => {
    await fail('locked@example.com', 3);
    await expect(attempts.begin('other@example.com')).resolves.toBeUndefined();
  });

  it('should start the count again once cleared (a correct password, a reset)', async () => {
    await fail('cook@example.com', 2);
    await attempts.begin('cook@example.com');
    await attempts.clear('cook@example.com');
    await fail('cook@example.com', 3);
    await expect(attempts.begin('cook@example.com')).rejects.toBeInstanceOf(TooManyRequestsError);
  });

  it('should let the account try again once the window that began with its first failure ends', async () => {
    await fail('cook@example.com', 1);
    vi.advanceTimersByTime(5 * 60_000);
    await fail('cook@example.com', 2);
    await expect(attempts.begin('cook@example.com')).rejects.toMatchObject({
      retryAfterSeconds: 600,
    });
    vi.advanceTimersByTime(10 * 60_000);
    await fail('cook@example.com', 3);
    await expect(attempts.begin('cook@example.com')).rejects.toMatchObject({
      retryAfterSeconds: 900,
    });
  });

  it('should limit mails per account and kind, apart from the login count', async () => {
    for (let i = 0; i < 3; i++) await attempts.countMail('password-reset', 'cook@example.com');
    await expect(attempts.countMail('password-reset', 'COOK@example.com')).rejects.toMatchObject({
      status: 429,
      retryAfterSeconds: 900,
    });
    await expect(
      attempts.countMail('email-verification', 'cook@example.com'),
    ).resolves.toBeUndefined();
    await expect(attempts.begin('cook@example.com')).resolves.toBeUndefined();
  });
});
