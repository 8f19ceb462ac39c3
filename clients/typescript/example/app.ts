/**
 * A single-page app on the typed client in cookie mode: the refresh token stays in the API's
 * HttpOnly cookie, so a reload keeps the session while the access token lives in memory only.
 * The API's origin comes from `?api=` (default: http://localhost:3000).
 */
import { createRecipeClient, OAuthError, ProblemError, unwrap } from '../src/index.js';

const api = createRecipeClient({
  baseUrl: new URLSearchParams(location.search).get('api') ?? 'http://localhost:3000',
  cookieMode: true,
});
// For the browser console (and the browser test): what the client holds.
Object.assign(globalThis, { recipeClient: api });

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const [status, loginForm, recipes, who, list, createForm, errorLine] = [
  element('status'),
  element<HTMLFormElement>('login'),
  element('recipes'),
  element('who'),
  element('list'),
  element<HTMLFormElement>('create'),
  element('error'),
];

function showError(error: unknown): void {
  if (error instanceof ProblemError) {
    const fields = error.fieldErrors.map((field) => `${field.field}: ${field.message}`);
    errorLine.textContent = [error.problem.detail, ...fields].join(' ');
  } else if (error instanceof OAuthError) {
    errorLine.textContent = error.errorDescription;
  } else {
    errorLine.textContent = String(error);
  }
}

function showLogin(): void {
  status.textContent = 'Please log in.';
  loginForm.hidden = false;
  recipes.hidden = true;
}

async function showRecipes(): Promise<void> {
  // After a reload the client holds no access token: the 401 makes it refresh from the cookie.
  const me = await unwrap(api.http.GET('/api/v1/auth/me'));
  const page = await unwrap(
    api.http.GET('/api/v1/recipes', { params: { query: { submitter_id: me.id } } }),
  );
  who.textContent = me.email;
  list.replaceChildren(
    ...page.items.map((recipe) => {
      const item = document.createElement('li');
      item.textContent = recipe.label;
      return item;
    }),
  );
  status.textContent = `${page.items.length} recipe(s)`;
  loginForm.hidden = true;
  recipes.hidden = false;
}

loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const fields = new FormData(loginForm);
  errorLine.textContent = '';
  api
    .login({ username: fields.get('email') as string, password: fields.get('password') as string })
    .then(showRecipes)
    .catch(showError);
});

createForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const label = new FormData(createForm).get('label') as string;
  errorLine.textContent = '';
  unwrap(api.http.POST('/api/v1/recipes', { body: { label } }))
    .then(() => createForm.reset())
    .then(showRecipes)
    .catch(showError);
});

element('logout').addEventListener('click', () => {
  api.logout().then(showLogin).catch(showError);
});

showRecipes().catch((error: unknown) => {
  // No session to resume (no cookie, or it ended): the refresh was refused, or the call was 401.
  if (error instanceof OAuthError || (error instanceof ProblemError && error.status === 401)) {
    showLogin();
  } else {
    showError(error);
  }
});
