import { createTestApp, type TestApp } from './helpers/app.js';
import { createUser } from './helpers/factories.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('should sign up, log in and read /auth/me', async () => {
    const user = await createUser(t);
    const me = await t.request({ method: 'GET', url: '/api/v1/auth/me', headers: user.auth });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: user.id, email: user.email });
  });
});
