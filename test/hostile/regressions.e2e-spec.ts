import { connect } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from '../helpers/app.js';
import {
  expectOAuthError,
  expectProblemDetails,
  INVALID_TOKEN_CHALLENGE,
} from '../helpers/expect.js';
import { createUser, newEmail, PASSWORD, type TestUser } from '../helpers/factories.js';
import { resign } from '../helpers/jwt.js';
import { LEAKS, multipart, tableState } from './hostile.js';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const now = () => Math.floor(Date.now() / 1000);
const BOUNDARY = 'regression-boundary-2kZr9Qx';

/** A problem details answer with the security headers, nothing internal in it. */
function expectRefusal(response: LightMyRequestResponse, status: number | number[]) {
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  return expectProblemDetails(response, status, LEAKS);
}

/** One raw HTTP/1.1 exchange over a socket: what inject cannot do (Node's own header limit). */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.write(request);
  });
}

describe('hostile inputs that broke the API before', () => {
  let t: TestApp;
  let cook: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    cook = await createUser(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('should answer a JSON login with ~2,000 levels of nested arrays in an extra field with RFC 6749 invalid_request', async () => {
    const before = await tableState(t);
    const response = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: `{"username":"${cook.email}","password":"${PASSWORD}","extra":${nested(2_000)}}`,
    });

    expectOAuthError(response, 'invalid_request');
    expect(response.body).not.toMatch(LEAKS);
    expect(await tableState(t)).toEqual(before);
  });

  it('should answer a recipe body with ~2,000 levels of nested arrays in an extra field with 400 problem+json', async () => {
    const before = await tableState(t);
    const response = await t.request({
      method: 'POST',
      url: '/api/v1/recipes',
      headers: { ...cook.auth, 'content-type': 'application/json' },
      payload: `{"label":"Chicken Vesuvio","extra":${nested(2_000)}}`,
    });

    expectRefusal(response, 400);
    expect(await tableState(t)).toEqual(before);
  });

  it('should refuse a multipart signup carrying a 1 MiB file part and create no user', async () => {
    const email = newEmail();
    const part = (name: string) =>
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"`;
    const payload = Buffer.concat([
      Buffer.from(`${part('email')}\r\n\r\n${email}\r\n${part('password')}\r\n\r\n${PASSWORD}\r\n`),
      Buffer.from(
        `${part('avatar')}; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      Buffer.alloc(1024 * 1024, 0x61),
      Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
    ]);
    const response = await t.request({
      method: 'POST',
      url: '/api/v1/auth/signup',
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload,
    });

    expectRefusal(response, [400, 413, 415]);
    expect(await t.sql('SELECT id FROM users WHERE email = ?', [email])).toEqual([]);
  });

  it('should answer a 10 MB multipart body to POST /recipes with 413 and create no recipe', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/api/v1/recipes',
      headers: { ...cook.auth, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipart(
        [
          ['label', 'Chicken Vesuvio'],
          ['source', 'x'.repeat(10 * 1024 * 1024)],
        ],
        BOUNDARY,
      ),
    });

    expectRefusal(response, 413);
    expect(await t.sql('SELECT id FROM recipes')).toEqual([]);
  });

  it('should answer a 150-digit recipe id with problem+json and the security headers, echoing no <script>', async () => {
    const response = await t.request({
      method: 'GET',
      url: `/api/v1/recipes/${'9'.repeat(150)}<script>alert(1)</script>`,
    });

    expectRefusal(response, [400, 404, 414]);
    expect(response.body).not.toContain('<script>');
  });

  it('should answer a badly percent-encoded path (/api/v1/recipes/%ff) with 400 problem+json', async () => {
    const response = await t.request({ method: 'GET', url: '/api/v1/recipes/%ff' });

    expectRefusal(response, 400);
  });

  it('should answer a 20 kB request header with 431 problem+json and the security headers', async () => {
    await t.app.listen(0, '127.0.0.1');
    const { port } = new URL(await t.app.getUrl());

    const answer = await rawExchange(
      Number(port),
      `GET /api/v1/recipes HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
    );

    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/\r\ncontent-type: application\/problem\+json/i);
    expect(head).toMatch(/\r\nx-content-type-options: nosniff/i);
    expect(JSON.parse(body)).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status: 431,
      detail: expect.any(String),
    });
  });

  it('should refuse a recipe label with a lone surrogate (\\ud800) with 400 and store nothing', async () => {
    const before = await tableState(t);
    const response = await t.request({
      method: 'POST',
      url: '/api/v1/recipes',
      headers: { ...cook.auth, 'content-type': 'application/json' },
      payload: '{"label":"lone \\ud800 x"}',
    });

    const problem = expectRefusal(response, 400);
    expect(problem.errors).toEqual(
      expect.arrayContaining([{ field: 'label', message: expect.any(String) }]),
    );
    expect(await tableState(t)).toEqual(before);
  });

  it('should answer 401 invalid_token to a correctly signed token whose sid contains NUL', async () => {
    const token = resign(t, cook.token, { payload: { sid: 'a\u0000b' } });

    const response = await t.request({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });

    expectRefusal(response, 401);
    expect(response.headers['www-authenticate']).toMatch(INVALID_TOKEN_CHALLENGE);
  });

  it('should answer 401 invalid_token to a correctly signed token issued an hour in the future', async () => {
    const token = resign(t, cook.token, {
      payload: { iat: now() + 3_600, exp: now() + 3_600 + 1_800 },
    });

    const response = await t.request({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });

    expectRefusal(response, 401);
    expect(response.headers['www-authenticate']).toMatch(INVALID_TOKEN_CHALLENGE);
  });

  it.each(['/api/v1/auth/me', '/api/v1/users/me', '/api/v1/auth/sessions'])(
    'should answer %s with Cache-Control: no-store (personal data)',
    async (url) => {
      const response = await t.request({ method: 'GET', url, headers: cook.auth });

      expect(response.statusCode).toBe(200);
      expect(response.body).toContain(url.endsWith('sessions') ? '"current":true' : cook.email);
      expect(response.headers['cache-control']).toBe('no-store');
    },
  );
});
