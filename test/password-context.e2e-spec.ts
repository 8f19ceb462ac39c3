import { createTestApp, type TestApp } from './helpers/app.js';
import { expectProblemJson } from './helpers/expect.js';
import { newEmail } from './helpers/factories.js';

const SIGNUP = '/api/v1/auth/signup';

describe('signup refuses passwords built from the account (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const signup = (payload: Record<string, unknown>) =>
    t.request({ method: 'POST', url: SIGNUP, payload });
  const usersWithEmail = (email: string) =>
    t.sql<unknown[]>('SELECT id FROM users WHERE email = ?', [email]);

  it.each([
    ['the email address', (email: string) => email],
    ['the email in other letters', (email: string) => email.toUpperCase()],
    ['the local part', (email: string) => `${email.split('@')[0]!} kitchen`],
    ['the first name', () => 'Marguerite1999'],
    ['the surname', () => 'the escoffier way'],
  ])(
    'should answer 400 on password for a password holding %s, and create nothing',
    async (_what, password) => {
      const email = newEmail();

      const response = await signup({
        email,
        password: password(email),
        first_name: 'Marguerite',
        surname: 'Escoffier',
      });

      expectProblemJson(response, 400, {
        type: 'urn:recipe-api:problem:validation-failed',
        errors: [
          {
            field: 'password',
            message: 'this password contains your email address or name; choose another one',
          },
        ],
      });
      await expect(usersWithEmail(email)).resolves.toEqual([]);
    },
  );
});
