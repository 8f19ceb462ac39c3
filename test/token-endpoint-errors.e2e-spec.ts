import { createTestApp, type TestApp } from './helpers/app.js';
import { expectOAuthError, expectProblemJson } from './helpers/expect.js';

const LOGIN = '/api/v1/auth/login';
const REFRESH = '/api/v1/auth/refresh/';

// Fastify's body parser and the input screening answer before Nest's guards, pipes and route
// filters: the token endpoints must still speak RFC 6749 §5.2 there, and other routes must not.
describe('token endpoint errors raised before the route runs (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const tooLarge = JSON.stringify({ username: 'a@example.com', password: 'x'.repeat(110_000) });

  it.each([
    ['malformed JSON', 400, 'application/json', '{"username": '],
    [
      'a NUL character (input screening)',
      400,
      'application/json',
      '{"refresh_token": "a\\u0000b", "username": "a\\u0000b"}',
    ],
    ['a body over the limit', 413, 'application/json', tooLarge],
    ['a content type the API does not read', 415, 'text/plain', 'username=a'],
  ])(
    'should answer %s in the OAuth shape at login and refresh',
    async (_case, status, type, payload) => {
      for (const url of [LOGIN, REFRESH]) {
        const response = await t.request({
          method: 'POST',
          url,
          headers: { 'content-type': type },
          payload,
        });

        expectOAuthError(response, 'invalid_request', { status });
        expect(response.headers['pragma']).toBe('no-cache');
      }
    },
  );

  it('should keep problem details for the same error on other routes', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/api/v1/auth/signup',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": ',
    });

    expectProblemJson(response, 400, {
      type: 'about:blank',
      status: 400,
      detail: expect.any(String),
    });
  });
});
