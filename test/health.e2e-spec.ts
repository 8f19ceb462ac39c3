import { createTestApp, type TestApp } from './helpers/app.js';
import { expectProblemJson } from './helpers/expect.js';

describe('health', () => {
  describe('with the database up', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(async () => {
      await t.close();
    });

    it.each(['/health', '/health/'])(
      'should answer liveness on %s without a token or the /api/v1 prefix',
      async (url) => {
        const response = await t.request({ method: 'GET', url });

        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(response.json()).toEqual({ status: 'ok' });
      },
    );

    it.each(['/health', '/api/v1/auth/me', '/api/v1/no-such-route'])(
      "should send helmet's security headers on every answer (%s: 200, 401, 404)",
      async (url) => {
        const response = await t.request({ method: 'GET', url });

        expect(response.headers).toMatchObject({
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'SAMEORIGIN',
          'strict-transport-security': 'max-age=31536000; includeSubDomains',
          'referrer-policy': 'no-referrer',
          'cross-origin-opener-policy': 'same-origin',
        });
        const csp = String(response.headers['content-security-policy']);
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("script-src 'self'");
        expect(csp).not.toContain('upgrade-insecure-requests');
      },
    );

    it.each(['/health/ready', '/health/ready/'])(
      'should answer readiness on %s with the database up',
      async (url) => {
        const response = await t.request({ method: 'GET', url });

        expect(response.statusCode).toBe(200);
        expect(response.json()).toMatchObject({
          status: 'ok',
          info: { database: { status: 'up' } },
        });
      },
    );

    it.each(['/api/v1/health', '/api/v1/health/ready'])(
      'should not serve %s under the API prefix',
      async (url) => {
        const response = await t.request({ method: 'GET', url });

        expect(response.statusCode).toBe(404);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      },
    );
  });

  describe('with the database down', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
      await t.db.destroy();
    });
    afterAll(async () => {
      await t.close();
    });

    it('should still answer liveness', async () => {
      const response = await t.request({ method: 'GET', url: '/health' });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok' });
    });

    it('should answer readiness with 503 problem+json that names no internals', async () => {
      const response = await t.request({ method: 'GET', url: '/health/ready' });

      expectProblemJson(
        response,
        503,
        { status: 503, title: expect.any(String), detail: expect.any(String) },
        /SQLITE|TypeORM|QueryFailedError|at Object\.|node_modules/i,
      );
    });

    it('should answer a request that needs the database with 503 problem+json, not 500', async () => {
      const response = await t.request({ method: 'GET', url: '/api/v1/recipes' });

      expectProblemJson(
        response,
        503,
        { status: 503, type: 'urn:recipe-api:problem:database-unavailable' },
        /SQLITE|TypeORM|QueryFailedError|pool|node_modules/i,
      );
    });
  });
});
