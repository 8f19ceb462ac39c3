import { randomUUID } from 'node:crypto';
import type { TestApp } from './app.js';

export const PASSWORD = 'correct horse battery staple';

export interface TestUser {
  id: number;
  email: string;
  password: string;
  token: string;
  auth: { authorization: string };
}

/** The Authorization header that carries an access token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function newEmail(): string {
  return `cook-${randomUUID().slice(0, 8)}@example.com`;
}

export async function login(t: TestApp, email: string, password = PASSWORD, scope?: string) {
  return t.request({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: email, password, ...(scope !== undefined && { scope }) },
  });
}

/** Signs a user up (superuser when asked, set in the database) and logs them in. */
export async function createUser(
  t: TestApp,
  options: { superuser?: boolean; scope?: string } = {},
): Promise<TestUser> {
  const email = newEmail();
  const signup = await t.request({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: { email, password: PASSWORD, first_name: 'Test', surname: 'Cook' },
  });
  if (signup.statusCode !== 201) throw new Error(`signup failed: ${signup.body}`);
  const id = signup.json<{ id: number }>().id;
  if (options.superuser) await t.sql('UPDATE users SET is_superuser = true WHERE id = ?', [id]);
  const response = await login(t, email, PASSWORD, options.scope);
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
  const token = response.json<{ access_token: string }>().access_token;
  return { id, email, password: PASSWORD, token, auth: bearer(token) };
}

export async function createRecipe(t: TestApp, owner: TestUser, label = 'Chicken Vesuvio') {
  const response = await t.request({
    method: 'POST',
    url: '/api/v1/recipes',
    headers: owner.auth,
    payload: { label, source: 'Serious Eats', url: 'https://www.seriouseats.com/chicken-vesuvio' },
  });
  if (response.statusCode !== 201) throw new Error(`recipe failed: ${response.body}`);
  return response.json<{ id: number; label: string; submitter_id: number }>();
}
