import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from './helpers/app.js';
import { PASSWORD } from './helpers/factories.js';

const PARALLEL = 20;

/** The same address in `count` different letter cases (Cook@x.com, COOK@x.com, cook@X.com, …). */
function casings(email: string, count: number): string[] {
  const variants = new Set<string>([email, email.toUpperCase(), email.toLowerCase()]);
  for (let seed = 1; variants.size < count; seed++) {
    variants.add(
      email
        .split('')
        .map((char, i) => (((seed >> (i % 16)) ^ i) & 1 ? char.toUpperCase() : char.toLowerCase()))
        .join(''),
    );
  }
  return [...variants].slice(0, count);
}

const signup = (t: TestApp, email: string) =>
  t.request({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: { email, password: PASSWORD, first_name: 'Race' },
  });

const statuses = (responses: LightMyRequestResponse[]) =>
  responses.map((response) => response.statusCode);

describe('parallel signups', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('should create exactly one account when 20 signups race with one email in different letter cases', async () => {
    const email = `Cook-${randomUUID().slice(0, 8)}@Example.com`;
    const variants = casings(email, PARALLEL);
    expect(new Set(variants).size).toBe(PARALLEL);
    expect(new Set(variants.map((variant) => variant.toLowerCase())).size).toBe(1);

    const responses = await Promise.all(variants.map((variant) => signup(t, variant)));

    expect(statuses(responses).filter((status) => status >= 500)).toEqual([]);
    const created = responses.filter((response) => response.statusCode === 201);
    const refused = responses.filter((response) => response.statusCode === 409);
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(PARALLEL - 1);
    expect(created[0]!.json()).toMatchObject({
      email: email.toLowerCase(),
      first_name: 'Race',
      is_superuser: false,
    });
    for (const response of refused) {
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({
        type: 'urn:recipe-api:problem:email-taken',
        status: 409,
        title: expect.any(String),
        detail: expect.any(String),
      });
      expect(response.body).not.toMatch(/SQLITE|constraint|QueryFailedError/i);
    }
    const rows: { id: number; email: string }[] = await t.sql(
      'SELECT id, email FROM users WHERE lower(email) = ?',
      [email.toLowerCase()],
    );
    expect(rows).toEqual([
      { id: created[0]!.json<{ id: number }>().id, email: email.toLowerCase() },
    ]);
  });

  it('should create every account when 20 signups with different emails run in parallel', async () => {
    const emails = Array.from(
      { length: PARALLEL },
      (_, i) => `racer-${i}-${randomUUID().slice(0, 8)}@example.com`,
    );

    const responses = await Promise.all(emails.map((email) => signup(t, email)));

    expect(statuses(responses)).toEqual(emails.map(() => 201));
    const rows: { email: string }[] = await t.sql(
      `SELECT email FROM users WHERE email IN (${emails.map(() => '?').join(', ')})`,
      emails,
    );
    expect(rows.map((row) => row.email).sort()).toEqual([...emails].sort());
  });
});
