import type { RecipeDto as Recipe } from '../src/recipes/dto/recipe.dto.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { expectFieldError, expectProblem } from './helpers/expect.js';
import { createRecipe, createUser, type TestUser } from './helpers/factories.js';
import type { RecipeRow } from './helpers/rows.js';

interface Page {
  items: Recipe[];
  next_cursor: string | null;
}

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const MAX_ID = 2 ** 31 - 1;

describe('recipes', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let admin: TestUser;
  let reader: TestUser;

  const row = async (id: number): Promise<RecipeRow | undefined> =>
    (await t.sql<RecipeRow[]>('SELECT * FROM recipes WHERE id = ?', [id]))[0];
  const count = async (): Promise<number> =>
    (await t.sql<{ n: number }[]>('SELECT count(*) AS n FROM recipes'))[0].n;
  const post = (user: TestUser | undefined, payload: unknown, url = '/api/v1/recipes') =>
    t.request({
      method: 'POST',
      url,
      headers: user?.auth ?? {},
      payload: payload as Record<string, unknown>,
    });
  const getPage = async (query: string): Promise<Page> => {
    const response = await t.request({ method: 'GET', url: `/api/v1/recipes?${query}` });
    expect(response.statusCode).toBe(200);
    return response.json<Page>();
  };
  /** Inserts recipes straight into the table, the way a big seed would, and returns their ids. */
  const insertRows = async (submitterId: number, labels: string[]): Promise<number[]> => {
    const ids: number[] = [];
    for (const label of labels) {
      await t.sql('INSERT INTO recipes (label, submitter_id) VALUES (?, ?)', [label, submitterId]);
      ids.push((await t.sql<{ id: number }[]>('SELECT max(id) AS id FROM recipes'))[0].id);
    }
    return ids;
  };

  beforeAll(async () => {
    t = await createTestApp();
    alice = await createUser(t);
    bob = await createUser(t);
    admin = await createUser(t, { superuser: true });
    reader = await createUser(t, { scope: 'profile' });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('POST /api/v1/recipes', () => {
    it('should create a recipe for the caller with 201, a Location header and a database row', async () => {
      const payload = {
        label: 'Chicken Vesuvio',
        source: 'Serious Eats',
        url: 'http://www.seriouseats.com/recipes/2011/12/chicken-vesuvio-recipe.html',
      };
      const response = await post(alice, payload);

      expect(response.statusCode).toBe(201);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      const recipe = response.json<Recipe>();
      expect(recipe).toEqual({
        id: expect.any(Number),
        ...payload,
        submitter_id: alice.id,
        created_at: expect.stringMatching(ISO_UTC),
        updated_at: expect.stringMatching(ISO_UTC),
      });
      expect(response.headers.location).toBe(`/api/v1/recipes/${recipe.id}`);
      expect(await row(recipe.id)).toMatchObject({ ...payload, submitter_id: alice.id });

      const fetched = await t.request({ method: 'GET', url: response.headers.location! });
      expect(fetched.statusCode).toBe(200);
      expect(fetched.json()).toEqual(recipe);
    });

    it('should stamp created_at and updated_at with the current time in UTC', async () => {
      const before = Date.now();
      const recipe = (await post(alice, { label: 'Timely Toast' })).json<Recipe>();
      const after = Date.now();

      for (const stamp of [recipe.created_at, recipe.updated_at]) {
        // The database's clock, not the process's: allow a little skew, never a time zone's offset.
        expect(Date.parse(stamp)).toBeGreaterThan(before - 60_000);
        expect(Date.parse(stamp)).toBeLessThan(after + 60_000);
      }
    });

    it('should store only the label when source and url are left out', async () => {
      const response = await post(alice, { label: 'Plain toast' });

      expect(response.statusCode).toBe(201);
      const recipe = response.json<Recipe>();
      expect(recipe).toMatchObject({
        label: 'Plain toast',
        source: null,
        url: null,
        submitter_id: alice.id,
      });
      expect(await row(recipe.id)).toMatchObject({ label: 'Plain toast', source: null, url: null });
    });

    it("should accept the caller's own id as submitter_id", async () => {
      const response = await post(alice, { label: 'Own id', submitter_id: alice.id });

      expect(response.statusCode).toBe(201);
      expect(response.json<Recipe>().submitter_id).toBe(alice.id);
      expect(await row(response.json<Recipe>().id)).toMatchObject({ submitter_id: alice.id });
    });

    it('should accept the longest label, source and url the contract allows', async () => {
      const url = `https://example.com/${'a'.repeat(2048 - 'https://example.com/'.length)}`;
      expect(url).toHaveLength(2048);
      const response = await post(alice, { label: 'L'.repeat(256), source: 'S'.repeat(256), url });

      expect(response.statusCode).toBe(201);
      expect(await row(response.json<Recipe>().id)).toMatchObject({
        label: 'L'.repeat(256),
        source: 'S'.repeat(256),
        url,
      });
    });

    it('should ignore unknown properties and never let the client choose id or timestamps', async () => {
      const response = await post(alice, {
        label: 'Mass assignment',
        id: 424242,
        created_at: '2000-01-01T00:00:00.000Z',
        updated_at: '2000-01-01T00:00:00.000Z',
        is_superuser: true,
      });

      expect(response.statusCode).toBe(201);
      const recipe = response.json<Recipe>();
      expect(recipe.id).not.toBe(424242);
      expect(recipe.created_at.startsWith('2000')).toBe(false);
      expect(recipe).not.toHaveProperty('is_superuser');
      expect(await row(424242)).toBeUndefined();
    });

    it('should answer 401 with WWW-Authenticate: Bearer without a token and insert nothing', async () => {
      const before = await count();
      const response = await post(undefined, { label: 'Anonymous' });

      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(await count()).toBe(before);
    });

    it('should answer 403 insufficient_scope to a token without recipes:write and insert nothing', async () => {
      const before = await count();
      const response = await post(reader, { label: 'Read only' });

      expectProblem(response, 403);
      expect(response.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
      expect(response.headers['www-authenticate']).toMatch(/scope="recipes:write"/);
      expect(await count()).toBe(before);
    });

    it('should refuse with 403 a normal user submitting for another user', async () => {
      const before = await count();
      const response = await post(alice, { label: 'For Bob', submitter_id: bob.id });

      expectProblem(response, 403);
      expect(await count()).toBe(before);
      const bobs = await t.sql<RecipeRow[]>('SELECT * FROM recipes WHERE label = ?', ['For Bob']);
      expect(bobs).toHaveLength(0);
    });

    it('should let a superuser submit a recipe for another user', async () => {
      const response = await post(admin, { label: 'Admin for Alice', submitter_id: alice.id });

      expect(response.statusCode).toBe(201);
      const recipe = response.json<Recipe>();
      expect(recipe.submitter_id).toBe(alice.id);
      expect(await row(recipe.id)).toMatchObject({
        label: 'Admin for Alice',
        submitter_id: alice.id,
      });
    });

    it('should answer 400, never 500, when a superuser names a user that does not exist', async () => {
      const before = await count();
      const response = await post(admin, { label: 'Ghost', submitter_id: 999_999 });

      expectFieldError(response, 'submitter_id');
      expect(await count()).toBe(before);
    });

    it.each([
      ['label is missing', { source: 'Serious Eats' }, 'label'],
      ['label is empty', { label: '' }, 'label'],
      ['label is null', { label: null }, 'label'],
      ['label has 257 characters', { label: 'x'.repeat(257) }, 'label'],
      ['label is a number', { label: 42 }, 'label'],
      ['source has 257 characters', { label: 'ok', source: 's'.repeat(257) }, 'source'],
      ['url is ftp', { label: 'ok', url: 'ftp://x' }, 'url'],
      ['url is javascript:', { label: 'ok', url: 'javascript:alert(1)' }, 'url'],
      ['url is not a url', { label: 'ok', url: 'not a url' }, 'url'],
      ['url has no scheme', { label: 'ok', url: 'www.example.com/recipe' }, 'url'],
      [
        'url is longer than 2048',
        { label: 'ok', url: `https://example.com/${'a'.repeat(2048)}` },
        'url',
      ],
      ['submitter_id is a string', { label: 'ok', submitter_id: String(1) }, 'submitter_id'],
      ['submitter_id is zero', { label: 'ok', submitter_id: 0 }, 'submitter_id'],
    ])(
      'should answer 400 with errors[] and insert nothing when %s',
      async (_case, payload, field) => {
        const before = await count();
        const response = await post(alice, payload);

        expectFieldError(response, field);
        expect(await count()).toBe(before);
      },
    );
  });

  describe('GET /api/v1/recipes', () => {
    let pager: TestUser;
    let pagerIds: number[];

    beforeAll(async () => {
      pager = await createUser(t);
      pagerIds = [];
      for (let i = 1; i <= 25; i += 1)
        pagerIds.push((await createRecipe(t, pager, `Pager recipe ${i}`)).id);
    });

    it('should answer a Page of 20 recipes, newest first, by default', async () => {
      const page = await getPage(`submitter_id=${pager.id}`);

      expect(Object.keys(page).sort()).toEqual(['items', 'next_cursor']);
      expect(page.items.map((r) => r.id)).toEqual([...pagerIds].reverse().slice(0, 20));
      expect(page.next_cursor).toEqual(expect.any(String));
      for (const recipe of page.items) {
        expect(recipe).toEqual({
          id: expect.any(Number),
          label: expect.any(String),
          source: 'Serious Eats',
          url: expect.any(String),
          submitter_id: pager.id,
          created_at: expect.stringMatching(ISO_UTC),
          updated_at: expect.stringMatching(ISO_UTC),
        });
      }
    });

    it('should visit every recipe exactly once when following next_cursor', async () => {
      const walk = async (filter: string): Promise<number[]> => {
        const seen: number[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: Page = await getPage(
            `${filter}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          );
          expect(page.items.length).toBeLessThanOrEqual(7);
          seen.push(...page.items.map((r) => r.id));
          cursor = page.next_cursor;
          pages += 1;
        } while (cursor !== null && pages < 1000);
        return seen;
      };

      expect(await walk(`submitter_id=${pager.id}`)).toEqual([...pagerIds].reverse());

      const everything = await walk('');
      const ids = await t.sql<{ id: number }[]>('SELECT id FROM recipes ORDER BY id DESC');
      expect(everything).toEqual(ids.map((r) => r.id));
      expect(new Set(everything).size).toBe(everything.length);
    });

    it('should end with next_cursor null on the last page', async () => {
      const first = await getPage(`submitter_id=${pager.id}&limit=20`);
      const last = await getPage(`submitter_id=${pager.id}&limit=20&cursor=${first.next_cursor}`);

      expect(last.items.map((r) => r.id)).toEqual([...pagerIds].reverse().slice(20));
      expect(last.next_cursor).toBeNull();
    });

    it('should serve up to 100 recipes a page and refuse a limit above 100', async () => {
      const bulk = await createUser(t);
      const ids = await insertRows(
        bulk.id,
        Array.from({ length: 101 }, (_, i) => `Bulk ${i}`),
      );

      const page = await getPage(`submitter_id=${bulk.id}&limit=100`);
      expect(page.items.map((r) => r.id)).toEqual([...ids].reverse().slice(0, 100));
      expect(page.next_cursor).toEqual(expect.any(String));

      const rest = await getPage(`submitter_id=${bulk.id}&limit=100&cursor=${page.next_cursor}`);
      expect(rest.items.map((r) => r.id)).toEqual([ids[0]]);
      expect(rest.next_cursor).toBeNull();

      expectFieldError(
        await t.request({ method: 'GET', url: '/api/v1/recipes?limit=101' }),
        'limit',
      );
    });

    it('should filter by submitter_id', async () => {
      const page = await getPage(`submitter_id=${alice.id}&limit=100`);
      const rows = await t.sql<{ id: number }[]>(
        'SELECT id FROM recipes WHERE submitter_id = ? ORDER BY id DESC',
        [alice.id],
      );

      expect(page.items.length).toBeGreaterThan(0);
      expect(page.items.every((r) => r.submitter_id === alice.id)).toBe(true);
      expect(page.items.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    });

    it('should answer an empty page for a submitter with no recipes', async () => {
      await expect(getPage(`submitter_id=${MAX_ID}`)).resolves.toEqual({
        items: [],
        next_cursor: null,
      });
    });

    describe('keyword', () => {
      let cook: TestUser;
      const labels = [
        'Chicken Vesuvio',
        'chicken paprikash',
        'Cauliflower and Tofu Curry',
        '100% Rye Bread',
        '1000 Island Dressing',
        'snake_case stew',
        'snakeXcase stew',
      ];
      const search = async (keyword: string): Promise<string[]> =>
        (
          await getPage(`submitter_id=${cook.id}&limit=100&keyword=${encodeURIComponent(keyword)}`)
        ).items.map((r) => r.label);

      beforeAll(async () => {
        cook = await createUser(t);
        for (const label of labels) await createRecipe(t, cook, label);
      });

      it('should match a case-insensitive substring of the label', async () => {
        await expect(search('CHICKEN')).resolves.toEqual(['chicken paprikash', 'Chicken Vesuvio']);
        await expect(search('tofu cu')).resolves.toEqual(['Cauliflower and Tofu Curry']);
        await expect(search('zzz-no-such-label')).resolves.toEqual([]);
      });

      it('should take % and _ literally, not as wildcards', async () => {
        await expect(search('%')).resolves.toEqual(['100% Rye Bread']);
        await expect(search('100%')).resolves.toEqual(['100% Rye Bread']);
        await expect(search('_')).resolves.toEqual(['snake_case stew']);
        await expect(search('e_c')).resolves.toEqual(['snake_case stew']);
        await expect(search('\\')).resolves.toEqual([]);
      });

      it('should match without a submitter filter too', async () => {
        const page = await getPage(`keyword=${encodeURIComponent('snakeXCASE')}`);
        expect(page.items.map((r) => r.label)).toEqual(['snakeXcase stew']);
      });

      it('should match letters beyond ASCII case-insensitively', async () => {
        await createRecipe(t, cook, 'Éclair au Chocolat');
        await createRecipe(t, cook, 'Crème Brûlée');

        await expect(search('éclair')).resolves.toEqual(['Éclair au Chocolat']);
        await expect(search('CRÈME BRÛLÉE')).resolves.toEqual(['Crème Brûlée']);
      });

      it('should match keywords shorter than the search index takes, beyond ASCII too', async () => {
        await createRecipe(t, cook, 'Œufs en Meurette');

        await expect(search('œ')).resolves.toEqual(['Œufs en Meurette']);
        await expect(search('Ûl')).resolves.toEqual(['Crème Brûlée']);
      });

      it('should take quotes and search operators in a keyword literally', async () => {
        await createRecipe(t, cook, 'Say "Cheese" Toast');
        await createRecipe(t, cook, 'Toast AND Jam*');

        await expect(search('"cheese"')).resolves.toEqual(['Say "Cheese" Toast']);
        await expect(search('"cheese')).resolves.toEqual(['Say "Cheese" Toast']);
        await expect(search('and jam*')).resolves.toEqual(['Toast AND Jam*']);
        await expect(search('toast NEAR jam')).resolves.toEqual([]);
        await expect(search('cheese OR jam')).resolves.toEqual([]);
      });

      it('should find a recipe by its new label after an edit, and not once it is deleted', async () => {
        const recipe = await createRecipe(t, cook, 'Quark Dumplings');
        const patched = await t.request({
          method: 'PATCH',
          url: `/api/v1/recipes/${recipe.id}`,
          headers: cook.auth,
          payload: { label: 'Ricotta Gnocchi' },
        });
        expect(patched.statusCode).toBe(200);

        await expect(search('quark')).resolves.toEqual([]);
        await expect(search('ricotta gn')).resolves.toEqual(['Ricotta Gnocchi']);
        const deleted = await t.request({
          method: 'DELETE',
          url: `/api/v1/recipes/${recipe.id}`,
          headers: cook.auth,
        });
        expect(deleted.statusCode).toBe(204);
        await expect(search('ricotta gn')).resolves.toEqual([]);
      });

      it('should page through the matches newest first, with and without a submitter filter', async () => {
        const other = await createUser(t);
        for (let i = 1; i <= 9; i += 1) {
          await createRecipe(t, i % 3 === 0 ? other : cook, `Pagewalk Pie no. ${i}`);
          await createRecipe(t, cook, `Unrelated Soup no. ${i}`);
        }
        const walk = async (query: string): Promise<number[]> => {
          const ids: number[] = [];
          let cursor: string | null = null;
          do {
            const page = await getPage(`${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
            expect(page.items.length).toBeLessThanOrEqual(2);
            ids.push(...page.items.map((r) => r.id));
            cursor = page.next_cursor;
          } while (cursor);
          return ids;
        };
        const expected = async (submitterId?: number) =>
          (
            await t.sql<{ id: number }[]>(
              `SELECT id FROM recipes WHERE label LIKE 'Pagewalk Pie%'${submitterId ? ' AND submitter_id = ?' : ''} ORDER BY id DESC`,
              submitterId ? [submitterId] : [],
            )
          ).map((r) => r.id);

        await expect(walk('keyword=PAGEWALK')).resolves.toEqual(await expected());
        await expect(walk(`keyword=pagewalk&submitter_id=${cook.id}`)).resolves.toEqual(
          await expected(cook.id),
        );
        expect(await expected(cook.id)).toHaveLength(6);
      });
    });
  });

  describe('GET /api/v1/recipes/:id', () => {
    it('should answer the recipe', async () => {
      const created = await createRecipe(t, bob, 'Cauliflower and Tofu Curry');
      const response = await t.request({ method: 'GET', url: `/api/v1/recipes/${created.id}` });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        id: created.id,
        label: 'Cauliflower and Tofu Curry',
        source: 'Serious Eats',
        url: 'https://www.seriouseats.com/chicken-vesuvio',
        submitter_id: bob.id,
        created_at: expect.stringMatching(ISO_UTC),
        updated_at: expect.stringMatching(ISO_UTC),
      });
    });

    it('should answer 404 problem+json for a recipe that does not exist', async () => {
      const response = await t.request({ method: 'GET', url: `/api/v1/recipes/${MAX_ID}` });

      const problem = expectProblem(response, 404);
      expect(problem.detail).toMatch(/not found/i);
    });
  });

  describe('PATCH /api/v1/recipes/:id', () => {
    const patch = (user: TestUser | undefined, id: number, payload: Record<string, unknown>) =>
      t.request({
        method: 'PATCH',
        url: `/api/v1/recipes/${id}`,
        headers: user?.auth ?? {},
        payload,
      });

    it('should let the submitter change the recipe and store it', async () => {
      const { id } = await createRecipe(t, alice, 'Chicken Paprikash');
      const changes = {
        label: 'Chicken Paprikash (spicy)',
        source: 'Grandma',
        url: 'https://example.com/paprikash',
      };
      const response = await patch(alice, id, changes);

      expect(response.statusCode).toBe(200);
      const recipe = response.json<Recipe>();
      expect(recipe).toMatchObject({ id, ...changes, submitter_id: alice.id });
      expect(Date.parse(recipe.updated_at)).toBeGreaterThanOrEqual(Date.parse(recipe.created_at));
      expect(await row(id)).toMatchObject({ ...changes, submitter_id: alice.id });

      const fetched = await t.request({ method: 'GET', url: `/api/v1/recipes/${id}` });
      expect(fetched.json()).toEqual(recipe);
    });

    it('should change only the fields sent, and clear source and url when sent null', async () => {
      const { id } = await createRecipe(t, alice, 'Partial');

      const labelOnly = await patch(alice, id, { label: 'Partial 2' });
      expect(labelOnly.statusCode).toBe(200);
      expect(await row(id)).toMatchObject({ label: 'Partial 2', source: 'Serious Eats' });

      const cleared = await patch(alice, id, { source: null, url: null });
      expect(cleared.statusCode).toBe(200);
      expect(cleared.json()).toMatchObject({ label: 'Partial 2', source: null, url: null });
      expect(await row(id)).toMatchObject({ label: 'Partial 2', source: null, url: null });
    });

    it('should refuse another user with 403 and leave the row unchanged', async () => {
      const { id } = await createRecipe(t, alice, 'Not yours');
      const before = await row(id);
      const response = await patch(bob, id, { label: 'Stolen', source: 'Bob' });

      expectProblem(response, 403);
      expect(await row(id)).toEqual(before);
    });

    it("should let a superuser change anyone's recipe", async () => {
      const { id } = await createRecipe(t, alice, 'Moderated');
      const response = await patch(admin, id, { label: 'Moderated by admin' });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        id,
        label: 'Moderated by admin',
        submitter_id: alice.id,
      });
      expect(await row(id)).toMatchObject({ label: 'Moderated by admin', submitter_id: alice.id });
    });

    it('should answer 404 for a recipe that does not exist', async () => {
      expectProblem(await patch(alice, MAX_ID, { label: 'Nothing' }), 404);
    });

    it('should ignore submitter_id, id and timestamps in the body', async () => {
      const { id } = await createRecipe(t, alice, 'Keep owner');
      const before = await row(id);
      const response = await patch(alice, id, {
        id: 777_777,
        submitter_id: bob.id,
        created_at: '2000-01-01T00:00:00.000Z',
      });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id, submitter_id: alice.id });
      expect(await row(id)).toEqual(before);
      expect(await row(777_777)).toBeUndefined();
    });

    it.each([
      ['label is null', { label: null }, 'label'],
      ['label is empty', { label: '' }, 'label'],
      ['label has 257 characters', { label: 'x'.repeat(257) }, 'label'],
      ['url is javascript:', { url: 'javascript:alert(1)' }, 'url'],
      ['source is a number', { source: 7 }, 'source'],
    ])('should answer 400 and leave the row unchanged when %s', async (_case, payload, field) => {
      const { id } = await createRecipe(t, alice, 'Validated');
      const before = await row(id);

      expectFieldError(await patch(alice, id, payload), field);
      expect(await row(id)).toEqual(before);
    });

    it('should answer 401 without a token and 403 without recipes:write, leaving the row unchanged', async () => {
      const { id } = await createRecipe(t, alice, 'Guarded');
      const before = await row(id);

      const anonymous = await patch(undefined, id, { label: 'Anonymous' });
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);

      const scoped = await patch(reader, id, { label: 'Read only' });
      expectProblem(scoped, 403);
      expect(scoped.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);

      expect(await row(id)).toEqual(before);
    });
  });

  describe('DELETE /api/v1/recipes/:id', () => {
    const remove = (user: TestUser | undefined, id: number) =>
      t.request({ method: 'DELETE', url: `/api/v1/recipes/${id}`, headers: user?.auth ?? {} });

    it('should refuse another user with 403 and keep the row', async () => {
      const { id } = await createRecipe(t, alice, 'Keep me');
      const before = await row(id);

      expectProblem(await remove(bob, id), 403);
      expect(await row(id)).toEqual(before);
    });

    it('should refuse without a token (401) and without recipes:write (403), keeping the row', async () => {
      const { id } = await createRecipe(t, alice, 'Keep me too');

      const anonymous = await remove(undefined, id);
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
      expectProblem(await remove(reader, id), 403);
      expect(await row(id)).toBeDefined();
    });

    it('should let the submitter delete with 204, then answer 404', async () => {
      const { id } = await createRecipe(t, alice, 'Delete me');

      const response = await remove(alice, id);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect(await row(id)).toBeUndefined();

      expectProblem(await t.request({ method: 'GET', url: `/api/v1/recipes/${id}` }), 404);
      expectProblem(await remove(alice, id), 404);
    });

    it("should let a superuser delete anyone's recipe", async () => {
      const { id } = await createRecipe(t, bob, 'Spam');

      expect((await remove(admin, id)).statusCode).toBe(204);
      expect(await row(id)).toBeUndefined();
    });
  });

  describe('GET /api/v1/recipes/search', () => {
    let chef: TestUser;
    const tag = 'Qzv';

    beforeAll(async () => {
      chef = await createUser(t);
      for (let i = 1; i <= 12; i += 1) await createRecipe(t, chef, `${tag} chili no. ${i}`);
    });

    it('should answer {results} with recipes whose label contains the keyword, any case', async () => {
      const response = await t.request({
        method: 'GET',
        url: '/api/v1/recipes/search?keyword=chi&max_results=10',
      });

      expect(response.statusCode).toBe(200);
      const body = response.json<{ results: Recipe[] }>();
      expect(Object.keys(body)).toEqual(['results']);
      expect(body.results.length).toBeGreaterThan(0);
      expect(body.results.length).toBeLessThanOrEqual(10);
      expect(body.results.every((r) => r.label.toLowerCase().includes('chi'))).toBe(true);
    });

    it('should answer at most max_results, newest first, and 10 by default', async () => {
      const ours = await t.sql<{ id: number }[]>(
        'SELECT id FROM recipes WHERE submitter_id = ? ORDER BY id DESC',
        [chef.id],
      );
      const ids = (query: string) =>
        t
          .request({ method: 'GET', url: `/api/v1/recipes/search?${query}` })
          .then((response) => response.json<{ results: Recipe[] }>().results.map((r) => r.id));

      await expect(
        ids(`keyword=${encodeURIComponent(`${tag} CHILI`)}&max_results=3`),
      ).resolves.toEqual(ours.slice(0, 3).map((r) => r.id));
      await expect(ids(`keyword=${tag.toUpperCase()}`)).resolves.toEqual(
        ours.slice(0, 10).map((r) => r.id),
      );
      await expect(ids(`keyword=${tag}&max_results=100`)).resolves.toEqual(ours.map((r) => r.id));
    });

    it.each([
      ['the keyword has fewer than 3 characters', 'keyword=ch', 'keyword'],
      ['the keyword is missing', '', 'keyword'],
      ['max_results is 0', 'keyword=chi&max_results=0', 'max_results'],
      ['max_results is above 100', 'keyword=chi&max_results=101', 'max_results'],
      ['max_results is not a number', 'keyword=chi&max_results=ten', 'max_results'],
    ])('should answer 400 when %s', async (_case, query, field) => {
      expectFieldError(
        await t.request({ method: 'GET', url: `/api/v1/recipes/search?${query}` }),
        field,
      );
    });
  });

  describe('GET /api/v1/recipes/my-recipes', () => {
    const getMine = (user?: TestUser) =>
      t.request({ method: 'GET', url: '/api/v1/recipes/my-recipes', headers: user?.auth ?? {} });

    it("should answer {results} with only the caller's recipes, newest first", async () => {
      await createRecipe(t, bob, 'Bob only');
      const response = await getMine(alice);

      expect(response.statusCode).toBe(200);
      const body = response.json<{ results: Recipe[] }>();
      expect(Object.keys(body)).toEqual(['results']);
      const mine = await t.sql<{ id: number }[]>(
        'SELECT id FROM recipes WHERE submitter_id = ? ORDER BY id DESC LIMIT 100',
        [alice.id],
      );
      expect(body.results.map((r) => r.id)).toEqual(mine.map((r) => r.id));
      expect(body.results.every((r) => r.submitter_id === alice.id)).toBe(true);
    });

    it('should answer an empty list to a user without recipes', async () => {
      const newcomer = await createUser(t);
      const response = await getMine(newcomer);

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ results: [] });
    });

    it('should answer 401 with WWW-Authenticate without a token', async () => {
      const response = await getMine();

      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });
  });
});
