import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { MailService } from '../src/mail/mail.service.js';
import type { TestApp } from './helpers/app.js';
import { minutesAgo } from './helpers/database.js';
import { expectBadMailedToken } from './helpers/expect.js';
import { createUser, login, newEmail, PASSWORD, type TestUser } from './helpers/factories.js';
import { FRONTEND, Mailbox, startMailTestApp, tokenFromLink } from './helpers/mailbox.js';

const REQUEST = '/api/v1/auth/email/verify/request';
const VERIFY = '/api/v1/auth/email/verify';
const FORGOT = '/api/v1/auth/password/forgot';
const RESET = '/api/v1/auth/password/reset';
const ME = '/api/v1/auth/me';
const NEW_PASSWORD = 'a brand new kitchen passphrase';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function expectInvalidGrant(response: LightMyRequestResponse, description: RegExp) {
  expect(response.statusCode).toBe(400);
  expect(response.json()).toEqual({
    error: 'invalid_grant',
    error_description: expect.stringMatching(description),
  });
}

describe('email verification (e2e, real SMTP server)', () => {
  let mailbox: Mailbox;
  let t: TestApp;

  beforeAll(async () => {
    ({ mailbox, t } = await startMailTestApp());
  });
  afterAll(() => t?.close());
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const requestVerification = (user: TestUser) =>
    t.request({ method: 'POST', url: REQUEST, headers: user.auth });
  const verify = (token: string) => t.request({ method: 'POST', url: VERIFY, payload: { token } });
  const verifiedFlag = async (userId: number) =>
    (
      await t.sql<{ email_verified: number }[]>('SELECT email_verified FROM users WHERE id = ?', [
        userId,
      ])
    )[0]?.email_verified;

  async function mailedToken(user: TestUser): Promise<string> {
    const response = await requestVerification(user);
    expect(response.statusCode).toBe(202);
    return tokenFromLink(await mailbox.next(user.email), FRONTEND, 'verify-email');
  }

  it('should mail a link whose token marks the address verified, in the database and in GET /auth/me', async () => {
    const user = await createUser(t);
    const response = await requestVerification(user);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ detail: expect.stringMatching(/on its way/) });

    const mail = await mailbox.next(user.email);
    expect(mail.subject).toMatch(/confirm/i);
    const token = tokenFromLink(mail, FRONTEND, 'verify-email');
    const [row] = await t.sql<{ purpose: string; token_hash: string }[]>(
      'SELECT purpose, token_hash FROM one_time_tokens WHERE user_id = ?',
      [user.id],
    );
    expect(row).toEqual({ purpose: 'email_verification', token_hash: sha256(token) });
    expect(JSON.stringify(await t.sql('SELECT * FROM one_time_tokens'))).not.toContain(token);
    await expect(verifiedFlag(user.id)).resolves.toBe(0);

    const verified = await verify(token);
    expect(verified.statusCode).toBe(204);
    expect(verified.body).toBe('');
    await expect(verifiedFlag(user.id)).resolves.toBe(1);
    const me = await t.request({ method: 'GET', url: ME, headers: user.auth });
    expect(me.json()).toMatchObject({ id: user.id, email_verified: true });
  });

  it('should accept a token once', async () => {
    const user = await createUser(t);
    const token = await mailedToken(user);
    expect((await verify(token)).statusCode).toBe(204);
    expectBadMailedToken(await verify(token));
  });

  it('should kill an older token once a newer one is requested', async () => {
    const user = await createUser(t);
    const older = await mailedToken(user);
    const newer = await mailedToken(user);
    expectBadMailedToken(await verify(older));
    await expect(verifiedFlag(user.id)).resolves.toBe(0);
    expect((await verify(newer)).statusCode).toBe(204);
  });

  it('should refuse an expired token and an unknown one', async () => {
    const user = await createUser(t);
    const token = await mailedToken(user);
    await t.sql('UPDATE one_time_tokens SET expires_at = ? WHERE user_id = ?', [
      minutesAgo(1),
      user.id,
    ]);
    expectBadMailedToken(await verify(token));
    expectBadMailedToken(await verify('B'.repeat(43)));
    await expect(verifiedFlag(user.id)).resolves.toBe(0);
  });

  it('should not take a password reset token for a verification token, nor the other way round', async () => {
    const user = await createUser(t);
    await t.request({ method: 'POST', url: FORGOT, payload: { email: user.email } });
    const resetToken = tokenFromLink(await mailbox.next(user.email), FRONTEND, 'reset-password');
    const verificationToken = await mailedToken(user);

    expectBadMailedToken(await verify(resetToken));
    expectBadMailedToken(
      await t.request({
        method: 'POST',
        url: RESET,
        payload: { token: verificationToken, new_password: NEW_PASSWORD },
      }),
    );
    expect((await login(t, user.email, PASSWORD)).statusCode).toBe(200);
  });

  it('should answer 202 without a mail when the address is already verified', async () => {
    const user = await createUser(t);
    await t.sql('UPDATE users SET email_verified = true WHERE id = ?', [user.id]);
    const send = vi.spyOn(t.app.get(MailService), 'send');

    const response = await requestVerification(user);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ detail: expect.stringMatching(/already verified/) });
    expect(send).not.toHaveBeenCalled();
    await expect(
      t.sql('SELECT id FROM one_time_tokens WHERE user_id = ?', [user.id]),
    ).resolves.toEqual([]);
  });

  it('should need a bearer token to request a mail', async () => {
    const response = await t.request({ method: 'POST', url: REQUEST });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });
});

describe('REQUIRE_VERIFIED_EMAIL=true (e2e)', () => {
  let mailbox: Mailbox;
  let t: TestApp;

  beforeAll(async () => {
    ({ mailbox, t } = await startMailTestApp({ REQUIRE_VERIFIED_EMAIL: 'true' }));
  });
  afterAll(() => t?.close());

  async function signup(): Promise<{ id: number; email: string }> {
    const email = newEmail();
    const response = await t.request({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email, password: PASSWORD },
    });
    expect(response.statusCode).toBe(201);
    return { id: response.json<{ id: number }>().id, email };
  }

  it('should refuse the right password of an unverified account with invalid_grant saying so, and start no session', async () => {
    const { id, email } = await signup();
    expectInvalidGrant(await login(t, email, PASSWORD), /email address is not verified/);
    await expect(t.sql('SELECT id FROM sessions WHERE user_id = ?', [id])).resolves.toEqual([]);
  });

  it('should give a wrong password or an unknown address the generic invalid_grant, not the verification one', async () => {
    const { email } = await signup();
    expectInvalidGrant(
      await login(t, email, 'not the right password'),
      /^Incorrect email or password\.$/,
    );
    expectInvalidGrant(await login(t, newEmail(), PASSWORD), /^Incorrect email or password\.$/);
  });

  it('should mail the verification link at signup, and let the account in once it is followed', async () => {
    const { id, email } = await signup();
    const token = tokenFromLink(await mailbox.next(email), FRONTEND, 'verify-email');
    expect((await t.request({ method: 'POST', url: VERIFY, payload: { token } })).statusCode).toBe(
      204,
    );
    await expect(t.sql('SELECT email_verified FROM users WHERE id = ?', [id])).resolves.toEqual([
      { email_verified: 1 },
    ]);
    expect((await login(t, email, PASSWORD)).statusCode).toBe(200);
  });

  it('should let a verified account log in', async () => {
    const { id, email } = await signup();
    await t.sql('UPDATE users SET email_verified = true WHERE id = ?', [id]);
    expect((await login(t, email, PASSWORD)).statusCode).toBe(200);
  });

  it('should let an unverified account in after a password reset, whose mailed link verifies the address', async () => {
    const { email } = await signup();
    await mailbox.next(email); // the verification mail of the signup, not followed
    await t.request({ method: 'POST', url: FORGOT, payload: { email } });
    const token = tokenFromLink(await mailbox.next(email), FRONTEND, 'reset-password');
    const reset = await t.request({
      method: 'POST',
      url: RESET,
      payload: { token, new_password: NEW_PASSWORD },
    });
    expect(reset.statusCode).toBe(204);
    expect((await login(t, email, NEW_PASSWORD)).statusCode).toBe(200);
  });
});
