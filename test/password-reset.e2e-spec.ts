import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { AccountService } from '../src/auth/account.service.js';
import { MailService } from '../src/mail/mail.service.js';
import { UsersService } from '../src/users/users.service.js';
import type { TestApp } from './helpers/app.js';
import { minutesAgo } from './helpers/database.js';
import { expectBadMailedToken, expectProblemJson } from './helpers/expect.js';
import {
  bearer,
  createUser,
  login,
  newEmail,
  PASSWORD,
  type TestUser,
} from './helpers/factories.js';
import {
  createMailTestApp,
  FRONTEND,
  Mailbox,
  MAIL_FROM,
  startMailTestApp,
  tokenFromLink,
} from './helpers/mailbox.js';
import { freePort } from './helpers/net.js';
import type { TokenRow } from './helpers/rows.js';

const FORGOT = '/api/v1/auth/password/forgot';
const RESET = '/api/v1/auth/password/reset';
const ME = '/api/v1/auth/me';
const NEW_PASSWORD = 'a brand new kitchen passphrase';
const ACCEPTED = { detail: 'If the address has an account, a reset link is on its way.' };
const BASE64URL_256_BITS = /^[A-Za-z0-9_-]{43}$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** The lookup, token and mail of a reset request happen after its answer: wait for them. */
const backgroundDone = (t: TestApp) => t.app.get(AccountService).settled();
/** SQLite datetime text (UTC) as a Date. */
const utc = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);

describe('password reset (e2e, real SMTP server)', () => {
  let mailbox: Mailbox;
  let t: TestApp;

  beforeAll(async () => {
    ({ mailbox, t } = await startMailTestApp());
  });
  afterAll(() => t?.close());
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const forgot = (email: string) => t.request({ method: 'POST', url: FORGOT, payload: { email } });
  const reset = (token: string, password = NEW_PASSWORD) =>
    t.request({ method: 'POST', url: RESET, payload: { token, new_password: password } });
  const tokenRows = (userId: number) =>
    t.sql<TokenRow[]>('SELECT * FROM one_time_tokens WHERE user_id = ? ORDER BY id', [userId]);

  /** Asks for a reset link and returns the token from the mail that arrives. */
  async function mailedToken(user: TestUser): Promise<string> {
    const response = await forgot(user.email);
    expect(response.statusCode).toBe(202);
    return tokenFromLink(await mailbox.next(user.email), FRONTEND, 'reset-password');
  }

  describe('POST /auth/password/forgot', () => {
    it('should answer 202 with one body for an account, an unknown address and an inactive account, mailing only the account', async () => {
      const user = await createUser(t);
      const inactive = await createUser(t);
      await t.sql('UPDATE users SET is_active = false WHERE id = ?', [inactive.id]);
      const send = vi.spyOn(t.app.get(MailService), 'send');
      const [{ count: before }] = await t.sql<{ count: number }[]>(
        'SELECT count(*) AS count FROM one_time_tokens',
      );

      const unknown = newEmail();
      const responses = [
        await forgot(user.email),
        await forgot(unknown),
        await forgot(inactive.email),
      ];
      await backgroundDone(t);

      for (const response of responses) {
        expect(response.statusCode).toBe(202);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(response.json()).toEqual(ACCEPTED);
      }
      expect(new Set(responses.map((response) => response.body)).size).toBe(1);
      expect(send).toHaveBeenCalledTimes(1);
      expect(send).toHaveBeenCalledWith(expect.objectContaining({ to: user.email }));
      const [{ count: after }] = await t.sql<{ count: number }[]>(
        'SELECT count(*) AS count FROM one_time_tokens',
      );
      expect(after - before).toBe(1);
      await expect(tokenRows(inactive.id)).resolves.toEqual([]);

      const mail = await mailbox.next(user.email);
      expect(mail.from).toEqual(MAIL_FROM);
      expect(mail.subject).toMatch(/reset/i);
      expect(mailbox.to(unknown)).toEqual([]);
      expect(mailbox.to(inactive.email)).toEqual([]);
    });

    it('should find the account whatever the letter case of the address', async () => {
      const user = await createUser(t);
      const response = await forgot(user.email.toUpperCase());
      expect(response.statusCode).toBe(202);
      await expect(mailbox.next(user.email)).resolves.toMatchObject({ to: [user.email] });
    });

    it('should refuse a malformed address with 400 and send nothing', async () => {
      const send = vi.spyOn(t.app.get(MailService), 'send');
      const response = await forgot('not an email');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        errors: [expect.objectContaining({ field: 'email' })],
      });
      await backgroundDone(t);
      expect(send).not.toHaveBeenCalled();
    });

    it('should answer 202 before looking the address up, and log a lookup that fails afterwards', async () => {
      const user = await createUser(t);
      const findByEmail = vi
        .spyOn(t.app.get(UsersService), 'findByEmail')
        .mockRejectedValueOnce(new Error('connection terminated'));
      const logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const send = vi.spyOn(t.app.get(MailService), 'send');

      const response = await forgot(user.email);

      expect(response.statusCode).toBe(202);
      expect(response.json()).toEqual(ACCEPTED);
      await backgroundDone(t);
      expect(findByEmail).toHaveBeenCalledTimes(1);
      expect(logged).toHaveBeenCalledWith('A password reset request failed: connection terminated');
      expect(JSON.stringify(logged.mock.calls)).not.toContain(user.email);
      expect(send).not.toHaveBeenCalled();
      await expect(tokenRows(user.id)).resolves.toEqual([]);
    });

    it('should store the token only as its SHA-256, valid for 30 minutes', async () => {
      const user = await createUser(t);
      const before = Date.now();
      const token = await mailedToken(user);
      const after = Date.now();
      expect(token).toMatch(BASE64URL_256_BITS);

      const rows = await tokenRows(user.id);
      expect(rows).toEqual([
        expect.objectContaining({
          purpose: 'password_reset',
          token_hash: sha256(token),
          used_at: null,
        }),
      ]);
      expect(JSON.stringify(await t.sql('SELECT * FROM one_time_tokens'))).not.toContain(token);
      const expiresAt = utc(rows[0].expires_at).getTime();
      expect(expiresAt).toBeGreaterThanOrEqual(before + 30 * 60_000);
      expect(expiresAt).toBeLessThanOrEqual(after + 30 * 60_000);
    });
  });

  describe('POST /auth/password/reset', () => {
    it('should set the password from the mailed link, refuse the old one and end every session', async () => {
      const user = await createUser(t);
      const secondLogin = await login(t, user.email);
      const otherToken = secondLogin.json<{ access_token: string }>().access_token;
      const token = await mailedToken(user);
      const sessionsBefore = await t.sql<{ id: string }[]>(
        'SELECT id FROM sessions WHERE user_id = ?',
        [user.id],
      );
      expect(sessionsBefore).toHaveLength(2);

      const response = await reset(token);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');

      const oldLogin = await login(t, user.email, PASSWORD);
      expect(oldLogin.statusCode).toBe(400);
      expect(oldLogin.json()).toMatchObject({ error: 'invalid_grant' });
      expect((await login(t, user.email, NEW_PASSWORD)).statusCode).toBe(200);

      for (const access of [user.token, otherToken]) {
        const me = await t.request({
          method: 'GET',
          url: ME,
          headers: bearer(access),
        });
        expect(me.statusCode).toBe(401);
      }
      for (const { id } of sessionsBefore) {
        const [session] = await t.sql<{ revoked_at: string | null }[]>(
          'SELECT revoked_at FROM sessions WHERE id = ?',
          [id],
        );
        expect(session.revoked_at).toEqual(expect.any(String));
      }
      await expect(tokenRows(user.id)).resolves.toEqual([
        expect.objectContaining({ used_at: expect.any(String) }),
      ]);
    });

    it('should count the address as verified: the mailed link proves it', async () => {
      const user = await createUser(t);
      await reset(await mailedToken(user));
      const [row] = await t.sql<{ email_verified: number }[]>(
        'SELECT email_verified FROM users WHERE id = ?',
        [user.id],
      );
      expect(row.email_verified).toBe(1);
    });

    it('should accept a token once', async () => {
      const user = await createUser(t);
      const token = await mailedToken(user);
      expect((await reset(token)).statusCode).toBe(204);
      expectBadMailedToken(await reset(token, 'yet another kitchen passphrase'));
      expect((await login(t, user.email, NEW_PASSWORD)).statusCode).toBe(200);
    });

    it('should kill an older token once a newer reset is requested', async () => {
      const user = await createUser(t);
      const older = await mailedToken(user);
      const newer = await mailedToken(user);
      expect(newer).not.toBe(older);

      expectBadMailedToken(await reset(older));
      expect((await reset(newer)).statusCode).toBe(204);
    });

    it('should refuse a link mailed before the password was changed', async () => {
      const user = await createUser(t);
      const token = await mailedToken(user);
      const change = await t.request({
        method: 'POST',
        url: '/api/v1/users/me/password',
        headers: user.auth,
        payload: { current_password: user.password, new_password: NEW_PASSWORD },
      });
      expect(change.statusCode).toBe(204);

      expectBadMailedToken(await reset(token, 'an attacker kitchen passphrase'));
      expect((await login(t, user.email, NEW_PASSWORD)).statusCode).toBe(200);
      const rows = await tokenRows(user.id);
      expect(rows).toEqual([
        expect.objectContaining({ purpose: 'password_reset', used_at: expect.any(String) }),
      ]);
    });

    it('should refuse an expired token', async () => {
      const user = await createUser(t);
      const token = await mailedToken(user);
      await t.sql('UPDATE one_time_tokens SET expires_at = ? WHERE user_id = ?', [
        minutesAgo(1),
        user.id,
      ]);

      expectBadMailedToken(await reset(token));
      expect((await login(t, user.email, PASSWORD)).statusCode).toBe(200);
    });

    it('should refuse an unknown token and an empty one', async () => {
      expectBadMailedToken(await reset('A'.repeat(43)));
      expectBadMailedToken(await reset(''));
    });

    it('should refuse a new password the policy refuses, without spending the token', async () => {
      const user = await createUser(t);
      const token = await mailedToken(user);

      for (const weak of ['short', 'password123']) {
        const response = await reset(token, weak);
        expect(response.statusCode).toBe(400);
        expect(response.json<{ errors: unknown[] }>().errors).toEqual(
          expect.arrayContaining([expect.objectContaining({ field: 'new_password' })]),
        );
      }
      expect((await reset(token)).statusCode).toBe(204);
    });

    it('should lift a lockout that wrong passwords from anywhere put on the account', async () => {
      const user = await createUser(t);
      for (let i = 0; i < 10; i++) await login(t, user.email, 'not the right password');
      const locked = await login(t, user.email, PASSWORD);
      expect(locked.statusCode).toBe(429);
      expect(locked.json()).toMatchObject({ error: 'invalid_request' });

      expect((await reset(await mailedToken(user))).statusCode).toBe(204);

      const response = await login(t, user.email, NEW_PASSWORD);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ token_type: 'bearer' });
    });

    it("should refuse a new password holding the account's email or name, without spending the token", async () => {
      const user = await createUser(t); // named Test Cook
      const token = await mailedToken(user);
      const localPart = user.email.split('@')[0]!;

      for (const weak of [
        user.email,
        `${localPart.toUpperCase()} in the kitchen`,
        'my cookbook collection',
      ]) {
        expectProblemJson(await reset(token, weak), 400, {
          type: 'urn:recipe-api:problem:validation-failed',
          errors: [
            { field: 'new_password', message: expect.stringMatching(/email address or name/) },
          ],
        });
      }
      await expect(tokenRows(user.id)).resolves.toEqual([
        expect.objectContaining({ used_at: null }),
      ]);
      expect((await reset(token)).statusCode).toBe(204);
      expect((await login(t, user.email, NEW_PASSWORD)).statusCode).toBe(200);
    });

    it('should not reset the password of an account deactivated after the mail went out', async () => {
      const user = await createUser(t);
      const token = await mailedToken(user);
      await t.sql('UPDATE users SET is_active = false WHERE id = ?', [user.id]);

      expectBadMailedToken(await reset(token));
      await t.sql('UPDATE users SET is_active = true WHERE id = ?', [user.id]);
      expect((await login(t, user.email, PASSWORD)).statusCode).toBe(200);
    });
  });
});

describe('password reset with the mail server down (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createMailTestApp({ SMTP_URL: `smtp://127.0.0.1:${await freePort()}` });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should still answer the identical 202, and log the failure without the address', async () => {
    const user = await createUser(t);
    const mail = t.app.get(MailService);
    const deliver = vi.spyOn(mail, 'deliver');
    const logged = vi.spyOn(Logger.prototype, 'error');

    const response = await t.request({
      method: 'POST',
      url: FORGOT,
      payload: { email: user.email },
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual(ACCEPTED);
    await backgroundDone(t);

    expect(deliver).toHaveBeenCalledTimes(1);
    await expect(deliver.mock.results[0]!.value).resolves.toBeUndefined();
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('could not be sent'));
    expect(JSON.stringify(logged.mock.calls)).not.toContain(user.email);

    const rows = await t.sql<{ used_at: string | null }[]>(
      'SELECT used_at FROM one_time_tokens WHERE user_id = ?',
      [user.id],
    );
    expect(rows).toEqual([{ used_at: null }]);
  });
});
