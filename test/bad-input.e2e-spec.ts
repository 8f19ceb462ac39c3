import type { InjectOptions } from 'fastify';
import { createTestApp, type TestApp } from './helpers/app.js';
import { expectProblem, type ProblemBody } from './helpers/expect.js';
import {
  createRecipe,
  createUser,
  newEmail,
  PASSWORD,
  type TestUser,
} from './helpers/factories.js';

describe('bad input', () => {
  let t: TestApp;
  let cook: TestUser;
  let recipeId: number;

  /** Everything a bad request could have touched. */
  const snapshot = async () => ({
    recipes: await t.sql('SELECT * FROM recipes ORDER BY id'),
    users: await t.sql(
      'SELECT id, email, first_name, surname, is_superuser, is_active FROM users ORDER BY id',
    ),
  });

  /** Sends the request, expects a problem in the contract's shape, and checks the database did not move. */
  const expectRefused = async (options: InjectOptions, status: number): Promise<ProblemBody> => {
    const before = await snapshot();
    const response = await t.request(options);
    const problem = expectProblem(response, status);
    expect(await snapshot()).toEqual(before);
    return problem;
  };

  const postRecipe = (
    payload: string | Buffer,
    contentType = 'application/json',
  ): InjectOptions => ({
    method: 'POST',
    url: '/api/v1/recipes',
    headers: { ...cook.auth, 'content-type': contentType },
    payload,
  });

  beforeAll(async () => {
    t = await createTestApp();
    cook = await createUser(t);
    recipeId = (await createRecipe(t, cook)).id;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('request bodies', () => {
    it.each([
      ['truncated JSON', '{"label":'],
      ['JSON with a trailing comma', '{"label":"x",}'],
      ['single-quoted JSON', "{'label':'x'}"],
      ['an empty JSON body', ''],
    ])('should answer 400 to %s', async (_case, payload) => {
      await expectRefused(postRecipe(payload), 400);
    });

    it.each([
      ['a JSON array', '[{"label":"x"}]'],
      ['JSON null', 'null'],
      ['a JSON string', '"Chicken Vesuvio"'],
      ['a JSON number', '42'],
      ['a __proto__ key', '{"label":"x","__proto__":{"is_superuser":true}}'],
      [
        'a constructor.prototype key',
        '{"label":"x","constructor":{"prototype":{"is_superuser":true}}}',
      ],
    ])('should answer 400 to %s as a recipe', async (_case, payload) => {
      await expectRefused(postRecipe(payload), 400);
    });

    it.each([
      ['label is a number', { label: 42 }],
      ['label is an object', { label: { en: 'Chicken' } }],
      ['label is an array', { label: ['Chicken'] }],
      ['label is a boolean', { label: true }],
      ['source is a number', { label: 'ok', source: 5 }],
      ['url is an object', { label: 'ok', url: { href: 'https://example.com' } }],
      ['submitter_id is a string', { label: 'ok', submitter_id: 'me' }],
      ['submitter_id is a fraction', { label: 'ok', submitter_id: 1.5 }],
      ['submitter_id is negative', { label: 'ok', submitter_id: -1 }],
      ['submitter_id is beyond any id', { label: 'ok', submitter_id: 2 ** 53 }],
    ])('should answer 400 with errors[] when %s', async (_case, payload) => {
      const problem = await expectRefused(postRecipe(JSON.stringify(payload)), 400);
      expect(problem.errors?.length).toBeGreaterThan(0);
    });

    it.each([
      ['label', { label: 'x'.repeat(257) }],
      ['source', { label: 'ok', source: 'x'.repeat(257) }],
      ['url', { label: 'ok', url: `https://example.com/${'x'.repeat(2100)}` }],
    ])('should answer 400 naming %s when it is too long', async (field, payload) => {
      const problem = await expectRefused(postRecipe(JSON.stringify(payload)), 400);
      expect(problem.errors).toEqual(
        expect.arrayContaining([{ field, message: expect.any(String) }]),
      );
    });

    it('should answer 400 to an over-long signup first_name and create no user', async () => {
      const email = newEmail();
      await expectRefused(
        {
          method: 'POST',
          url: '/api/v1/auth/signup',
          payload: { email, password: PASSWORD, first_name: 'x'.repeat(101) },
        },
        400,
      );
      expect(await t.sql('SELECT id FROM users WHERE email = ?', [email])).toEqual([]);
    });

    it('should answer 400 to a NUL character in a recipe label', async () => {
      const problem = await expectRefused(
        postRecipe(JSON.stringify({ label: 'Chicken\u0000Vesuvio' })),
        400,
      );
      expect(problem.errors).toEqual(
        expect.arrayContaining([{ field: 'label', message: expect.any(String) }]),
      );
    });

    it('should answer 400 to a NUL character in a recipe change and leave the recipe alone', async () => {
      await expectRefused(
        {
          method: 'PATCH',
          url: `/api/v1/recipes/${recipeId}`,
          headers: cook.auth,
          payload: { source: 'a\u0000b' },
        },
        400,
      );
    });

    it('should answer 400 to a NUL character in a signup first_name and create no user', async () => {
      const email = newEmail();
      const problem = await expectRefused(
        {
          method: 'POST',
          url: '/api/v1/auth/signup',
          payload: { email, password: PASSWORD, first_name: 'Ada\u0000' },
        },
        400,
      );
      expect(problem.errors).toEqual(
        expect.arrayContaining([{ field: 'first_name', message: expect.any(String) }]),
      );
      expect(await t.sql('SELECT id FROM users WHERE email = ?', [email])).toEqual([]);
    });

    it.each([
      ['arrays', `{"label":${'['.repeat(5000)}${']'.repeat(5000)}}`],
      ['objects', `{"label":"x","source":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`],
    ])(
      'should answer 400, not 500, to deeply nested %s well under the size limit',
      async (_case, payload) => {
        expect(payload.length).toBeLessThan(100_000);
        await expectRefused(postRecipe(payload), 400);
      },
    );

    it('should answer 400, not 500, to deeply nested JSON on signup', async () => {
      const payload = `{"email":${'['.repeat(5000)}${']'.repeat(5000)}}`;
      await expectRefused(
        {
          method: 'POST',
          url: '/api/v1/auth/signup',
          headers: { 'content-type': 'application/json' },
          payload,
        },
        400,
      );
    });

    it('should answer 413 to a body over 100 kB', async () => {
      await expectRefused(
        postRecipe(JSON.stringify({ label: 'x', source: 'y'.repeat(150_000) })),
        413,
      );
    });

    it.each([
      ['text/plain', 'label=Chicken'],
      ['application/xml', '<recipe><label>Chicken</label></recipe>'],
      ['text/html', '<p>Chicken</p>'],
      ['application/octet-stream', 'Chicken'],
    ])('should answer 415 to a %s recipe', async (contentType, payload) => {
      await expectRefused(postRecipe(payload, contentType), 415);
    });

    it.each([
      ['without a boundary', 'multipart/form-data', 'garbage'],
      [
        'that ends early',
        'multipart/form-data; boundary=XyZ',
        '--XyZ\r\nContent-Disposition: form-data; name="label"\r\n\r\nChi',
      ],
      ['that is not multipart at all', 'multipart/form-data; boundary=XyZ', 'garbage'],
    ])(
      'should answer 400, not 500, to a malformed multipart body %s',
      async (_case, contentType, payload) => {
        await expectRefused(postRecipe(payload, contentType), 400);
      },
    );
  });

  describe('path ids', () => {
    it.each(['abc', '-1', '1.5', '1e3', '0x10', '%20', '%00'])(
      'should answer 400 to /recipes/%s',
      async (id) => {
        await expectRefused({ method: 'GET', url: `/api/v1/recipes/${id}` }, 400);
      },
    );

    // docs/decisions.md: a whole number beyond any stored id (> 2^31-1) is 404, not 400.
    it.each(['99999999999999999999', '2147483648', '999999999999999999999999999999'])(
      'should answer 404 to the huge id /recipes/%s',
      async (id) => {
        await expectRefused({ method: 'GET', url: `/api/v1/recipes/${id}` }, 404);
        await expectRefused(
          {
            method: 'PATCH',
            url: `/api/v1/recipes/${id}`,
            headers: cook.auth,
            payload: { label: 'x' },
          },
          404,
        );
        await expectRefused(
          { method: 'DELETE', url: `/api/v1/recipes/${id}`, headers: cook.auth },
          404,
        );
      },
    );

    it('should answer 400 to a non-numeric id on PATCH and DELETE', async () => {
      await expectRefused(
        {
          method: 'PATCH',
          url: '/api/v1/recipes/abc',
          headers: cook.auth,
          payload: { label: 'x' },
        },
        400,
      );
      await expectRefused(
        { method: 'DELETE', url: '/api/v1/recipes/abc', headers: cook.auth },
        400,
      );
    });
  });

  describe('query strings', () => {
    it.each(['-1', '0', '101', '99999999999999999999', '1e309', 'abc', '', '1.5', '1&limit=2'])(
      'should answer 400 to limit=%s',
      async (limit) => {
        const problem = await expectRefused(
          { method: 'GET', url: `/api/v1/recipes?limit=${limit}` },
          400,
        );
        expect(problem.errors).toEqual(
          expect.arrayContaining([{ field: 'limit', message: expect.any(String) }]),
        );
      },
    );

    it.each([
      ['random text', 'not-a-cursor'],
      ['punctuation', '!!!'],
      ['an empty cursor', ''],
      ['a negative id', Buffer.from('-5').toString('base64url')],
      ['an exponent', Buffer.from('1e3').toString('base64url')],
      ['a hex number', Buffer.from('0x10').toString('base64url')],
      ['a fraction', Buffer.from('1.5').toString('base64url')],
      ['an over-long cursor', 'x'.repeat(65)],
      ['an id beyond any row (2^31)', Buffer.from('2147483648').toString('base64url')],
      ['a 16-digit id', Buffer.from('9999999999999999').toString('base64url')],
    ])('should answer 400 to a bogus cursor (%s)', async (_case, cursor) => {
      const problem = await expectRefused(
        { method: 'GET', url: `/api/v1/recipes?cursor=${encodeURIComponent(cursor)}` },
        400,
      );
      expect(problem.errors).toEqual(
        expect.arrayContaining([{ field: 'cursor', message: expect.any(String) }]),
      );
    });

    it.each(['abc', '0', '-1', '1.5'])(
      'should answer 400 to submitter_id=%s',
      async (submitterId) => {
        await expectRefused(
          { method: 'GET', url: `/api/v1/recipes?submitter_id=${submitterId}` },
          400,
        );
      },
    );

    it('should answer 400 to an over-long keyword', async () => {
      await expectRefused(
        { method: 'GET', url: `/api/v1/recipes?keyword=${'x'.repeat(101)}` },
        400,
      );
    });

    it('should answer 400 to a repeated keyword', async () => {
      await expectRefused(
        { method: 'GET', url: '/api/v1/recipes?keyword=chicken&keyword=curry' },
        400,
      );
    });

    it('should answer 400 to a NUL character in the list keyword', async () => {
      const problem = await expectRefused(
        { method: 'GET', url: '/api/v1/recipes?keyword=chi%00cken' },
        400,
      );
      expect(problem.errors).toEqual(
        expect.arrayContaining([{ field: 'keyword', message: expect.any(String) }]),
      );
    });

    it('should answer 400 to a NUL character in the search keyword', async () => {
      await expectRefused({ method: 'GET', url: '/api/v1/recipes/search?keyword=chi%00cken' }, 400);
    });
  });

  describe('routes', () => {
    it.each([
      ['GET', '/api/v1/nope'],
      ['POST', '/api/v1/nope'],
      ['GET', '/nope'],
      ['GET', '/api/v2/recipes'],
      ['PUT', '/api/v1/recipes/1'],
    ])('should answer %s %s with a 404 problem+json', async (method, url) => {
      // docs/decisions.md: an unknown route, a method a path does not have included, is about:blank.
      const problem = await expectRefused(
        { method: method as 'GET', url, headers: cook.auth },
        404,
      );
      expect(problem.type).toBe('about:blank');
      expect(problem.detail).not.toMatch(/Cannot (GET|POST|PUT)/);
    });

    it.each([
      ['without Origin', {}],
      ['without Access-Control-Request-Method', { origin: 'https://evil.example' }],
    ])(
      'should not answer a bare OPTIONS request %s with a text/plain error',
      async (_case, headers) => {
        const response = await t.request({ method: 'OPTIONS', url: '/api/v1/recipes', headers });

        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode >= 400) expectProblem(response, response.statusCode);
        expect(response.headers['access-control-allow-origin']).toBeUndefined();
      },
    );
  });
});
