import { createTestApp, type TestApp } from './helpers/app.js';
import { createUser, newEmail, PASSWORD, type TestUser } from './helpers/factories.js';
import {
  compareTimings,
  isTimingTell,
  mannWhitneyP,
  type TimingComparison,
} from './helpers/timing.js';

const LOGIN = '/api/v1/auth/login';
const FORGOT = '/api/v1/auth/password/forgot';

/** Neither significant nor material; the figures are printed when it fails. */
function expectNoTell(comparison: TimingComparison): void {
  expect(isTimingTell(comparison), JSON.stringify(comparison)).toBe(false);
}

describe('timing comparison (test/helpers/timing.ts)', () => {
  it('should find a shift between two samples and none between two halves of one', () => {
    const base = Array.from({ length: 100 }, (_, i) => 5 + ((i * 37) % 100) / 50);
    expect(
      mannWhitneyP(
        base,
        base.map((value) => value + 0.5),
      ),
    ).toBeLessThan(0.001);
    expect(
      mannWhitneyP(
        base.filter((_, i) => i % 2),
        base.filter((_, i) => !(i % 2)),
      ),
    ).toBeGreaterThan(0.5);
    expect(isTimingTell({ p: 0.001, medianA: 4.4, medianB: 7.1 })).toBe(true);
    expect(isTimingTell({ p: 0.001, medianA: 40, medianB: 42 })).toBe(false); // under 10%
    expect(isTimingTell({ p: 0.2, medianA: 4.4, medianB: 7.1 })).toBe(false);
  });
});

describe('answer times that could tell accounts apart (e2e)', () => {
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    // Hundreds of requests for one address: the per-account limits would answer 429 long before.
    t = await createTestApp({ LOGIN_MAX_FAILURES: '1000' });
    user = await createUser(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('should answer a reset request for an unknown address as fast as one for an account', async () => {
    const forgot = (email: () => string) => ({
      request: () => ({ method: 'POST' as const, url: FORGOT, payload: { email: email() } }),
      status: 202,
    });
    expectNoTell(
      await compareTimings(
        t,
        forgot(newEmail),
        forgot(() => user.email),
        { pairs: 200 },
      ),
    );
  }, 60_000);

  it('should answer a login with an unknown email as fast as one with a wrong password', async () => {
    const login = (username: () => string) => ({
      request: () => ({
        method: 'POST' as const,
        url: LOGIN,
        payload: { username: username(), password: `not ${PASSWORD}` },
      }),
      status: 400,
    });
    expectNoTell(
      await compareTimings(
        t,
        login(newEmail),
        login(() => user.email),
        { pairs: 100, warmUp: 4 },
      ),
    );
  }, 120_000);
});
