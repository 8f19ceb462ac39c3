import { Logger } from '@nestjs/common';
import { Secret, TOTP } from 'otpauth';
import type { TokenDto as Token } from '../src/auth/dto/token.dto.js';
import { MailService, type Mail } from '../src/mail/mail.service.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { expectProblemJson } from './helpers/expect.js';
import { bearer, createUser, login, PASSWORD, type TestUser } from './helpers/factories.js';
import { decodeJwt } from './helpers/jwt.js';

const ENROLL = '/api/v1/auth/mfa/totp/enroll';
const CONFIRM = '/api/v1/auth/mfa/totp/confirm';
const TOTP_ROUTE = '/api/v1/auth/mfa/totp';
const LOGIN_MFA = '/api/v1/auth/login/mfa';
const ME = '/api/v1/auth/me';

interface Enrolled extends TestUser {
  secret: string;
  recoveryCodes: string[];
}

describe('second factors: TOTP, recovery codes, MFA login, step-up (e2e)', () => {
  let t: TestApp;
  let sent: Mail[];

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '10', STEP_UP_MAX_AGE_MINUTES: '10' });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    sent = [];
    vi.spyOn(t.app.get(MailService), 'send').mockImplementation((mail) => void sent.push(mail));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    t.clock.reset();
  });

  /** The code the app shows at the app's current time; the clock moves 30 s first so every code is new. */
  const codeFor = (secret: string) => {
    t.clock.advance({ seconds: 30 });
    return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: t.clock.now().getTime() });
  };
  const post = (url: string, headers: Record<string, string>, payload?: object) =>
    t.request({ method: 'POST', url, headers, ...(payload && { payload }) });
  const me = (token: string) => t.request({ method: 'GET', url: ME, headers: bearer(token) });
  const loginMfa = (payload: Record<string, string | undefined>) =>
    t.request({ method: 'POST', url: LOGIN_MFA, payload });

  async function enrolled(): Promise<Enrolled> {
    const user = await createUser(t);
    const enroll = await post(ENROLL, user.auth);
    expect(enroll.statusCode).toBe(200);
    const { secret } = enroll.json<{ secret: string }>();
    const confirm = await post(CONFIRM, user.auth, { code: codeFor(secret) });
    expect(confirm.statusCode).toBe(200);
    return {
      ...user,
      secret,
      recoveryCodes: confirm.json<{ recovery_codes: string[] }>().recovery_codes,
    };
  }

  /** The password step of an account with a factor: its mfa_token. */
  async function mfaToken(user: TestUser): Promise<string> {
    const response = await login(t, user.email, PASSWORD);
    expect(response.statusCode).toBe(400);
    return response.json<{ mfa_token: string }>().mfa_token;
  }

  describe('enrollment', () => {
    it('should answer a secret, its otpauth URI and a QR code, keep the secret only encrypted, and enable nothing before a code confirms it', async () => {
      const user = await createUser(t);
      const response = await post(ENROLL, user.auth);
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const body = response.json<{ secret: string; otpauth_uri: string; qr_svg: string }>();
      expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
      const uri = new URL(body.otpauth_uri);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.searchParams.get('secret')).toBe(body.secret);
      expect(uri.searchParams.get('issuer')).toBe('Recipe API');
      expect(decodeURIComponent(uri.pathname)).toContain(user.email);
      expect(body.qr_svg).toMatch(/^data:image\/svg\+xml;base64,/);
      expect(Buffer.from(body.qr_svg.split(',')[1], 'base64').toString()).toContain('<svg');

      const [row] = await t.sql<{ encrypted_secret: string; enabled_at: unknown }[]>(
        'SELECT encrypted_secret, enabled_at FROM totp_factors WHERE user_id = ?',
        [user.id],
      );
      expect(row.enabled_at).toBeNull();
      expect(row.encrypted_secret).not.toContain(body.secret);
      expect(Buffer.from(row.encrypted_secret.split('.')[2], 'base64url')).not.toEqual(
        Buffer.from(Secret.fromBase32(body.secret).bytes),
      );
      expect((await me(user.token)).json()).toMatchObject({
        factors: [],
        recovery_codes_remaining: 0,
      });
      expect((await login(t, user.email)).statusCode).toBe(200);
    });

    it('should refuse a wrong code with a 400 on code, then enable TOTP with the right one: ten recovery codes, stored hashed, other sessions ended, a mail sent', async () => {
      const user = await createUser(t);
      const other = (await login(t, user.email)).json<Token>();
      const { secret } = (await post(ENROLL, user.auth)).json<{ secret: string }>();
      const right = codeFor(secret);
      const wrong = right === '000000' ? '111111' : '000000';

      const refused = await post(CONFIRM, user.auth, { code: wrong });
      expectProblemJson(refused, 400, { type: 'urn:recipe-api:problem:validation-failed' });
      expect(refused.json()).toMatchObject({ errors: [{ field: 'code' }] });
      expect((await me(user.token)).json()).toMatchObject({ factors: [] });

      const response = await post(CONFIRM, user.auth, { code: right });
      expect(response.statusCode).toBe(200);
      const codes = response.json<{ recovery_codes: string[] }>().recovery_codes;
      expect(codes).toHaveLength(10);
      expect(new Set(codes).size).toBe(10);
      for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
      const rows = await t.sql<{ code_hash: string }[]>(
        'SELECT code_hash FROM recovery_codes WHERE user_id = ?',
        [user.id],
      );
      expect(rows).toHaveLength(10);
      for (const row of rows) {
        expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(codes.some((code) => row.code_hash.includes(code.replace('-', '')))).toBe(false);
      }
      expect((await me(user.token)).json()).toMatchObject({
        factors: ['totp'],
        recovery_codes_remaining: 10,
      });
      expect((await me(other.access_token)).statusCode).toBe(401);
      expect(sent).toEqual([
        expect.objectContaining({ to: user.email, subject: expect.stringContaining('is on') }),
      ]);
    });

    it('should refuse a second enrollment or confirmation while TOTP is enabled', async () => {
      const user = await enrolled();
      const response = await post(ENROLL, user.auth);
      expectProblemJson(response, 409, { type: 'urn:recipe-api:problem:totp-already-enabled' });
      const confirm = await post(CONFIRM, user.auth, { code: codeFor(user.secret) });
      expectProblemJson(confirm, 409, { type: 'urn:recipe-api:problem:totp-already-enabled' });
      expect((await me(user.token)).json()).toMatchObject({ recovery_codes_remaining: 10 });
    });

    it('should refuse the factor routes without a bearer token', async () => {
      expect((await post(ENROLL, {})).statusCode).toBe(401);
      expect((await post(CONFIRM, {}, { code: '123456' })).statusCode).toBe(401);
      expect((await t.request({ method: 'DELETE', url: TOTP_ROUTE })).statusCode).toBe(401);
    });
  });

  describe('login with a second factor', () => {
    it('should answer the password step with mfa_required and an mfa_token, start no session, and log in with a code: amr pwd and otp', async () => {
      const user = await enrolled();
      const [{ count: before }] = await t.sql<{ count: number }[]>(
        'SELECT count(*) AS count FROM sessions WHERE user_id = ?',
        [user.id],
      );
      const response = await login(t, user.email, PASSWORD);
      expect(response.statusCode).toBe(400);
      expect(response.headers['cache-control']).toBe('no-store');
      const body = response.json<{ error: string; error_description: string; mfa_token: string }>();
      expect(body).toMatchObject({ error: 'mfa_required', error_description: expect.any(String) });
      expect(body.mfa_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const [{ count: after }] = await t.sql<{ count: number }[]>(
        'SELECT count(*) AS count FROM sessions WHERE user_id = ?',
        [user.id],
      );
      expect(Number(after)).toBe(Number(before));

      const second = await loginMfa({ mfa_token: body.mfa_token, code: codeFor(user.secret) });
      expect(second.statusCode).toBe(200);
      const token = second.json<Token>();
      expect(token).toMatchObject({ token_type: 'bearer', refresh_token: expect.any(String) });
      const { payload } = decodeJwt(token.access_token);
      expect(payload.amr).toEqual(['pwd', 'otp']);
      expect((await me(token.access_token)).statusCode).toBe(200);
      const [session] = await t.sql<{ amr: string }[]>('SELECT amr FROM sessions WHERE id = ?', [
        payload.sid,
      ]);
      expect(session.amr).toBe('pwd otp');
    });

    it('should still ask a wrong password for nothing but invalid_grant', async () => {
      const user = await enrolled();
      const response = await login(t, user.email, 'not the password at all');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: 'invalid_grant',
        error_description: expect.any(String),
      });
    });

    it('should refuse a replayed code, a wrong code, and an mfa_token used once already', async () => {
      const user = await enrolled();
      const code = codeFor(user.secret);
      const first = await mfaToken(user);
      expect((await loginMfa({ mfa_token: first, code })).statusCode).toBe(200);

      const replayed = await loginMfa({ mfa_token: await mfaToken(user), code });
      expect(replayed.statusCode).toBe(400);
      expect(replayed.json()).toMatchObject({ error: 'invalid_grant' });

      const token = await mfaToken(user);
      const right = codeFor(user.secret);
      const wrong = await loginMfa({
        mfa_token: token,
        code: right === '000000' ? '111111' : '000000',
      });
      expect(wrong.json()).toMatchObject({ error: 'invalid_grant' });
      // A typo does not cost the password step: the same mfa_token takes the right code.
      expect((await loginMfa({ mfa_token: token, code: right })).statusCode).toBe(200);
      const reused = await loginMfa({ mfa_token: token, code: codeFor(user.secret) });
      expect(reused.statusCode).toBe(400);
      expect(reused.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('should refuse an mfa_token older than five minutes, and one never issued', async () => {
      const user = await enrolled();
      const token = await mfaToken(user);
      t.clock.advance({ minutes: 5, seconds: 1 });
      const expired = await loginMfa({ mfa_token: token, code: codeFor(user.secret) });
      expect(expired.statusCode).toBe(400);
      expect(expired.json()).toMatchObject({ error: 'invalid_grant' });
      const unknown = await loginMfa({ mfa_token: 'x'.repeat(43), code: codeFor(user.secret) });
      expect(unknown.json()).toMatchObject({ error: 'invalid_grant' });

      // A new password step clears the spent and expired challenges: only live ones are kept.
      const spent = await mfaToken(user);
      expect((await loginMfa({ mfa_token: spent, code: codeFor(user.secret) })).statusCode).toBe(
        200,
      );
      await mfaToken(user);
      const rows = await t.sql<{ used_at: unknown }[]>(
        'SELECT used_at FROM mfa_challenges WHERE user_id = ?',
        [user.id],
      );
      expect(rows).toEqual([{ used_at: null }]);
    });

    it('should accept each recovery code once, in any case and without its hyphen', async () => {
      const user = await enrolled();
      const [code] = user.recoveryCodes;
      const typed = code.replace('-', '').toUpperCase();
      const response = await loginMfa({ mfa_token: await mfaToken(user), recovery_code: typed });
      expect(response.statusCode).toBe(200);
      expect(decodeJwt(response.json<Token>().access_token).payload.amr).toEqual(['pwd', 'otp']);
      expect((await me(response.json<Token>().access_token)).json()).toMatchObject({
        recovery_codes_remaining: 9,
      });
      const again = await loginMfa({ mfa_token: await mfaToken(user), recovery_code: code });
      expect(again.statusCode).toBe(400);
      expect(again.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('should answer invalid_request for both a code and a recovery code, or neither, or a malformed code', async () => {
      const user = await enrolled();
      const token = await mfaToken(user);
      for (const payload of [
        { mfa_token: token, code: codeFor(user.secret), recovery_code: user.recoveryCodes[0] },
        { mfa_token: token },
        { mfa_token: token, code: '12345' },
        { code: '123456' },
      ]) {
        const response = await loginMfa(payload);
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ error: 'invalid_request' });
      }
      expect((await loginMfa({ mfa_token: token, code: codeFor(user.secret) })).statusCode).toBe(
        200,
      );
    });

    it('should lock the account after LOGIN_MAX_FAILURES wrong codes, even for the right code, from any step', async () => {
      vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const user = await enrolled();
      const token = await mfaToken(user);
      const right = codeFor(user.secret);
      const wrong = right === '000000' ? '111111' : '000000';
      for (let i = 0; i < 10; i++) {
        const response = await loginMfa({ mfa_token: token, code: wrong });
        expect(response.json()).toMatchObject({ error: 'invalid_grant' });
      }
      const locked = await loginMfa({ mfa_token: token, code: right });
      expect(locked.statusCode).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect(locked.json()).toMatchObject({ error: 'invalid_request' });
      const recovery = await loginMfa({ mfa_token: token, recovery_code: user.recoveryCodes[0] });
      expect(recovery.statusCode).toBe(429);
    });

    it('should keep the factor through a password reset by mailed link', async () => {
      const user = await enrolled();
      await t.request({
        method: 'POST',
        url: '/api/v1/auth/password/forgot',
        payload: { email: user.email },
      });
      const isReset = (mail: Mail) => mail.to === user.email && mail.subject.startsWith('Reset');
      await vi.waitFor(() => expect(sent.some(isReset)).toBe(true));
      const link = sent
        .find(isReset)!
        .text.split(/\s+/)
        .find((word) => word.includes('reset-password?token='))!;
      const newPassword = 'a brand new kitchen passphrase';
      const reset = await t.request({
        method: 'POST',
        url: '/api/v1/auth/password/reset',
        payload: { token: new URL(link).searchParams.get('token'), new_password: newPassword },
      });
      expect(reset.statusCode).toBeLessThan(300);

      const response = await login(t, user.email, newPassword);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'mfa_required' });
      const token = response.json<{ mfa_token: string }>().mfa_token;
      expect((await loginMfa({ mfa_token: token, code: codeFor(user.secret) })).statusCode).toBe(
        200,
      );
    });
  });

  describe('removal and step-up', () => {
    it('should refuse removal 10 minutes after the login with RFC 9470 insufficient_user_authentication, and allow it after a fresh login', async () => {
      const user = await enrolled();
      const fresh = await loginMfa({ mfa_token: await mfaToken(user), code: codeFor(user.secret) });
      const token = fresh.json<Token>();
      t.clock.advance({ minutes: 10, seconds: 1 });

      const refused = await t.request({
        method: 'DELETE',
        url: TOTP_ROUTE,
        headers: bearer(token.access_token),
      });
      expectProblemJson(refused, 401, {
        type: 'urn:recipe-api:problem:insufficient-user-authentication',
      });
      expect(refused.headers['www-authenticate']).toMatch(
        /^Bearer error="insufficient_user_authentication", error_description="[^"]+", max_age=600$/,
      );
      // A refresh keeps the login time: it is no fresher authentication.
      const refreshed = await t.request({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        payload: { refresh_token: token.refresh_token },
      });
      const again = await t.request({
        method: 'DELETE',
        url: TOTP_ROUTE,
        headers: bearer(refreshed.json<Token>().access_token),
      });
      expectProblemJson(again, 401, {
        type: 'urn:recipe-api:problem:insufficient-user-authentication',
      });
      expect((await post(ENROLL, bearer(token.access_token))).statusCode).toBe(401);
      expect((await me(token.access_token)).json()).toMatchObject({ factors: ['totp'] });

      const relogin = (
        await loginMfa({ mfa_token: await mfaToken(user), code: codeFor(user.secret) })
      ).json<Token>();
      const removed = await t.request({
        method: 'DELETE',
        url: TOTP_ROUTE,
        headers: bearer(relogin.access_token),
      });
      expect(removed.statusCode).toBe(204);
      expect((await me(relogin.access_token)).json()).toMatchObject({
        factors: [],
        recovery_codes_remaining: 0,
      });
      expect((await me(refreshed.json<Token>().access_token)).statusCode).toBe(401);
      expect(sent.at(-1)).toMatchObject({
        to: user.email,
        subject: expect.stringContaining('is off'),
      });
      expect((await login(t, user.email)).statusCode).toBe(200);
      const none = await t.request({
        method: 'DELETE',
        url: TOTP_ROUTE,
        headers: bearer(relogin.access_token),
      });
      expectProblemJson(none, 404, { type: 'urn:recipe-api:problem:not-found' });
    });
  });

  describe('administration', () => {
    it('should show a superuser whether a user has factors, and reset them: every session of the user ends', async () => {
      const admin = await createUser(t, { superuser: true, scope: 'profile users:admin' });
      const user = await enrolled();
      const session = (
        await loginMfa({ mfa_token: await mfaToken(user), code: codeFor(user.secret) })
      ).json<Token>();
      const url = `/api/v1/users/${user.id}/mfa`;

      const shown = await t.request({ method: 'GET', url, headers: admin.auth });
      expect(shown.statusCode).toBe(200);
      expect(shown.json()).toEqual({ factors: ['totp'], recovery_codes_remaining: 10 });
      expect((await t.request({ method: 'GET', url, headers: user.auth })).statusCode).toBe(403);
      expect((await t.request({ method: 'DELETE', url, headers: user.auth })).statusCode).toBe(403);

      const reset = await t.request({ method: 'DELETE', url, headers: admin.auth });
      expect(reset.statusCode).toBe(204);
      expect((await me(session.access_token)).statusCode).toBe(401);
      expect((await t.request({ method: 'GET', url, headers: admin.auth })).json()).toEqual({
        factors: [],
        recovery_codes_remaining: 0,
      });
      expect(sent.at(-1)).toMatchObject({
        to: user.email,
        subject: expect.stringContaining('is off'),
      });
      expect((await login(t, user.email)).statusCode).toBe(200);
      expectProblemJson(await t.request({ method: 'DELETE', url, headers: admin.auth }), 404, {
        type: 'urn:recipe-api:problem:not-found',
      });
      expectProblemJson(
        await t.request({ method: 'GET', url: '/api/v1/users/999999/mfa', headers: admin.auth }),
        404,
        { type: 'urn:recipe-api:problem:not-found' },
      );
    });
  });
});
