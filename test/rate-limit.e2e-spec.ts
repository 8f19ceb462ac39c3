import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { AccountService } from '../src/auth/account.service.js';
import { PasswordService } from '../src/users/password.service.js';
import { createRateLimitedApp, type TestApp } from './helpers/app.js';
import { expectOAuthError } from './helpers/expect.js';
import { createUser, newEmail, PASSWORD } from './helpers/factories.js';

const SIGNUP = '/api/v1/auth/signup';
const LOGIN = '/api/v1/auth/login';
const REFRESH = '/api/v1/auth/refresh';
const FORGOT = '/api/v1/auth/password/forgot';
const ME = '/api/v1/auth/me';
const WRONG = 'not the right password';

const from = (remoteAddress: string, options: InjectOptions): InjectOptions => ({
  ...options,
  remoteAddress,
});

function loginFrom(t: TestApp, remoteAddress: string, username: string, password: string) {
  return t.request(
    from(remoteAddress, { method: 'POST', url: LOGIN, payload: { username, password } }),
  );
}

function signupFrom(t: TestApp, remoteAddress: string, headers: Record<string, string> = {}) {
  return t.request(
    from(remoteAddress, {
      method: 'POST',
      url: SIGNUP,
      headers,
      payload: { email: newEmail(), password: PASSWORD },
    }),
  );
}

function retryAfter(response: LightMyRequestResponse): number {
  return Number(response.headers['retry-after']);
}

function expectOAuthTooMany(response: LightMyRequestResponse, maxSeconds: number) {
  expectOAuthError(response, 'invalid_request', { status: 429, description: /^Too many/ });
  expect(retryAfter(response)).toBeGreaterThanOrEqual(1);
  expect(retryAfter(response)).toBeLessThanOrEqual(maxSeconds);
}

function expectProblemTooMany(response: LightMyRequestResponse, url: string) {
  expect(response.statusCode).toBe(429);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.json()).toEqual({
    type: 'urn:recipe-api:problem:too-many-requests',
    title: 'Too Many Requests',
    status: 429,
    detail: expect.stringMatching(/^Too many requests/),
    instance: url,
  });
  expect(retryAfter(response)).toBeGreaterThanOrEqual(1);
  expect(retryAfter(response)).toBeLessThanOrEqual(60);
}

async function sessionCount(t: TestApp, userId: number): Promise<number> {
  const [row] = await t.sql<{ n: number }[]>(
    'SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?',
    [userId],
  );
  return row!.n;
}

describe('rate limits (e2e)', () => {
  describe('per-account failed-login limit', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createRateLimitedApp();
    });
    afterAll(async () => {
      await t.close();
    });
    afterEach(() => {
      vi.useRealTimers();
      vi.restoreAllMocks();
    });

    it('should refuse the 11th wrong password and then the right one with 429, from 11 different addresses', async () => {
      const victim = await createUser(t);
      const sessionsBefore = await sessionCount(t, victim.id);
      for (let host = 2; host <= 11; host++) {
        const response = await loginFrom(t, `127.0.0.${host}`, victim.email, WRONG);
        expect({
          host,
          status: response.statusCode,
          error: response.json<{ error: string }>().error,
        }).toEqual({
          host,
          status: 400,
          error: 'invalid_grant',
        });
      }

      const eleventh = await loginFrom(t, '127.0.0.12', victim.email, WRONG);
      expectOAuthTooMany(eleventh, 15 * 60);
      const correct = await loginFrom(t, '127.0.0.13', victim.email, PASSWORD);
      expectOAuthTooMany(correct, 15 * 60);
      expect(await sessionCount(t, victim.id)).toBe(sessionsBefore);

      const other = await createUser(t);
      const response = await loginFrom(t, '127.0.0.12', other.email, PASSWORD);
      expect(response.statusCode).toBe(200);
    });

    it('should answer a locked account without computing a password hash', async () => {
      const victim = await createUser(t);
      for (let i = 0; i < 10; i++) await loginFrom(t, '127.0.0.20', victim.email, WRONG);
      const passwords = t.app.get(PasswordService);
      const verify = vi.spyOn(passwords, 'verify');
      const verifyNothing = vi.spyOn(passwords, 'verifyNothing');

      expectOAuthTooMany(await loginFrom(t, '127.0.0.21', victim.email, PASSWORD), 15 * 60);
      expect(verify).not.toHaveBeenCalled();
      expect(verifyNothing).not.toHaveBeenCalled();
    });

    it('should let no more than LOGIN_MAX_FAILURES of 20 parallel wrong passwords be checked', async () => {
      const victim = await createUser(t);
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => loginFrom(t, `127.0.1.${i + 1}`, victim.email, WRONG)),
      );
      const statuses = responses.map((response) => response.statusCode).sort((a, b) => a - b);
      expect(statuses).toEqual([...Array<number>(10).fill(400), ...Array<number>(10).fill(429)]);
    });

    it('should lock an unknown email exactly like an account, whatever the letter case', async () => {
      const nobody = newEmail();
      for (let i = 0; i < 10; i++) {
        const response = await loginFrom(
          t,
          '127.0.0.30',
          i % 2 ? nobody.toUpperCase() : nobody,
          WRONG,
        );
        expect(response.statusCode).toBe(400);
      }
      expectOAuthTooMany(await loginFrom(t, '127.0.0.31', nobody, WRONG), 15 * 60);
    });

    it('should start the count again after a successful login', async () => {
      const user = await createUser(t);
      for (let i = 0; i < 9; i++) await loginFrom(t, '127.0.0.40', user.email, WRONG);
      expect((await loginFrom(t, '127.0.0.40', user.email, PASSWORD)).statusCode).toBe(200);

      for (let i = 0; i < 10; i++) {
        expect((await loginFrom(t, '127.0.0.41', user.email, WRONG)).statusCode).toBe(400);
      }
      expectOAuthTooMany(await loginFrom(t, '127.0.0.41', user.email, WRONG), 15 * 60);
    });

    it('should let the account log in again once the window has passed', async () => {
      const user = await createUser(t);
      for (let i = 0; i < 10; i++) await loginFrom(t, '127.0.0.50', user.email, WRONG);
      expectOAuthTooMany(await loginFrom(t, '127.0.0.50', user.email, PASSWORD), 15 * 60);

      t.clock.advance({ minutes: 15, seconds: 1 });
      try {
        expect((await loginFrom(t, '127.0.0.50', user.email, PASSWORD)).statusCode).toBe(200);
      } finally {
        t.clock.reset();
      }
    });
  });

  describe('per-account mail limit', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createRateLimitedApp({ LOGIN_MAX_FAILURES: '2' });
    });
    afterAll(async () => {
      await t.close();
    });

    it('should answer 429 once an address was sent LOGIN_MAX_FAILURES reset mails, whether or not it has an account', async () => {
      const user = await createUser(t);
      for (const email of [user.email, newEmail()]) {
        for (const address of ['127.0.0.60', '127.0.0.61']) {
          const accepted = await t.request(
            from(address, { method: 'POST', url: FORGOT, payload: { email } }),
          );
          expect(accepted.statusCode).toBe(202);
        }
        const refused = await t.request(
          from('127.0.0.62', { method: 'POST', url: FORGOT, payload: { email } }),
        );
        expect(refused.statusCode).toBe(429);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      await t.app.get(AccountService).settled(); // the tokens are made after the answers
      const tokens = await t.sql('SELECT COUNT(*) AS n FROM one_time_tokens WHERE user_id = ?', [
        user.id,
      ]);
      expect(tokens[0].n).toBe(2);
    });
  });

  describe('per-IP limit (AUTH_RATE_LIMIT_PER_MINUTE=3)', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createRateLimitedApp({ AUTH_RATE_LIMIT_PER_MINUTE: '3' });
    });
    afterAll(async () => {
      await t.close();
    });

    it('should answer the 4th signup from one address with 429, Retry-After and RateLimit headers, in problem+json', async () => {
      for (const remaining of [2, 1, 0]) {
        const response = await signupFrom(t, '10.0.0.1');
        expect(response.statusCode).toBe(201);
        expect(response.headers['ratelimit-limit']).toBe('3');
        expect(response.headers['ratelimit-remaining']).toBe(String(remaining));
        expect(Number(response.headers['ratelimit-reset'])).toBeGreaterThan(0);
      }

      const refused = await signupFrom(t, '10.0.0.1');
      expectProblemTooMany(refused, SIGNUP);
      expect(refused.headers['ratelimit-limit']).toBe('3');
      expect(refused.headers['ratelimit-remaining']).toBe('0');
      expect(refused.headers['ratelimit-reset']).toBe(refused.headers['retry-after']);
    });

    it('should still serve another address', async () => {
      for (let i = 0; i < 4; i++) await signupFrom(t, '10.0.0.2');
      expect((await signupFrom(t, '10.0.0.3')).statusCode).toBe(201);
    });

    it('should count each route apart', async () => {
      for (let i = 0; i < 4; i++) await signupFrom(t, '10.0.0.4');
      const response = await loginFrom(t, '10.0.0.4', newEmail(), WRONG);
      expect(response.statusCode).toBe(400);
    });

    it('should answer the token endpoints in the OAuth shape, before any password is checked', async () => {
      const user = await createUser(t);
      for (let i = 0; i < 3; i++) await loginFrom(t, '10.0.0.5', newEmail(), WRONG);
      const verify = vi.spyOn(t.app.get(PasswordService), 'verify');
      const refused = await loginFrom(t, '10.0.0.5', user.email, PASSWORD);
      expect(verify).not.toHaveBeenCalled();
      verify.mockRestore();
      expectOAuthTooMany(refused, 60);
      expect(refused.headers['ratelimit-remaining']).toBe('0');

      for (let i = 0; i < 3; i++) {
        await t.request(
          from('10.0.0.6', {
            method: 'POST',
            url: REFRESH,
            payload: { refresh_token: 'x'.repeat(43) },
          }),
        );
      }
      const refresh = await t.request(
        from('10.0.0.6', {
          method: 'POST',
          url: REFRESH,
          payload: { refresh_token: 'x'.repeat(43) },
        }),
      );
      expectOAuthTooMany(refresh, 60);
    });

    it('should limit the mail routes too', async () => {
      const forgot = () =>
        t.request(
          from('10.0.0.7', { method: 'POST', url: FORGOT, payload: { email: newEmail() } }),
        );
      for (let i = 0; i < 3; i++) expect((await forgot()).statusCode).toBe(202);
      expectProblemTooMany(await forgot(), FORGOT);
    });

    it('should not limit reading your own account', async () => {
      const user = await createUser(t);
      for (let i = 0; i < 5; i++) {
        const response = await t.request(
          from('10.0.0.8', { method: 'GET', url: ME, headers: user.auth }),
        );
        expect(response.statusCode).toBe(200);
        expect(response.headers['ratelimit-limit']).toBeUndefined();
      }
    });
  });

  describe('RATE_LIMIT_ENABLED=false', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createRateLimitedApp({
        RATE_LIMIT_ENABLED: 'false',
        AUTH_RATE_LIMIT_PER_MINUTE: '3',
      });
    });
    afterAll(async () => {
      await t.close();
    });

    it('should lift the per-IP limit', async () => {
      for (let i = 0; i < 5; i++) {
        const response = await signupFrom(t, '10.0.1.1');
        expect(response.statusCode).toBe(201);
        expect(response.headers['ratelimit-limit']).toBeUndefined();
      }
    });

    it('should keep the per-account failed-login limit', async () => {
      const user = await createUser(t);
      for (let i = 0; i < 10; i++) {
        expect((await loginFrom(t, '10.0.1.2', user.email, WRONG)).statusCode).toBe(400);
      }
      expectOAuthTooMany(await loginFrom(t, '10.0.1.2', user.email, PASSWORD), 15 * 60);
    });
  });

  describe('client address behind a proxy', () => {
    const PROXY = '10.0.2.1';
    const forwardedFor = (value: string) => ({ 'x-forwarded-for': value });

    describe('TRUST_PROXY=true', () => {
      let t: TestApp;

      beforeAll(async () => {
        t = await createRateLimitedApp({ TRUST_PROXY: 'true', AUTH_RATE_LIMIT_PER_MINUTE: '2' });
      });
      afterAll(async () => {
        await t.close();
      });

      it('should count each X-Forwarded-For client apart on one socket address', async () => {
        const a = forwardedFor('203.0.113.1');
        const b = forwardedFor('203.0.113.2');
        expect((await signupFrom(t, PROXY, a)).statusCode).toBe(201);
        expect((await signupFrom(t, PROXY, a)).statusCode).toBe(201);
        expectProblemTooMany(await signupFrom(t, PROXY, a), SIGNUP);
        expect((await signupFrom(t, PROXY, b)).statusCode).toBe(201);
      });

      it('should take the address the proxy appended, not one the client forged before it', async () => {
        expect(
          (await signupFrom(t, PROXY, forwardedFor('198.51.100.1, 203.0.113.3'))).statusCode,
        ).toBe(201);
        expect(
          (await signupFrom(t, PROXY, forwardedFor('198.51.100.2, 203.0.113.3'))).statusCode,
        ).toBe(201);
        expectProblemTooMany(
          await signupFrom(t, PROXY, forwardedFor('198.51.100.3, 203.0.113.3')),
          SIGNUP,
        );
      });
    });

    describe('TRUST_PROXY=false', () => {
      let t: TestApp;

      beforeAll(async () => {
        t = await createRateLimitedApp({ TRUST_PROXY: 'false', AUTH_RATE_LIMIT_PER_MINUTE: '2' });
      });
      afterAll(async () => {
        await t.close();
      });

      it('should ignore X-Forwarded-For and count the socket address', async () => {
        expect((await signupFrom(t, PROXY, forwardedFor('203.0.113.1'))).statusCode).toBe(201);
        expect((await signupFrom(t, PROXY, forwardedFor('203.0.113.2'))).statusCode).toBe(201);
        expectProblemTooMany(await signupFrom(t, PROXY, forwardedFor('203.0.113.3')), SIGNUP);
      });
    });
  });
});
