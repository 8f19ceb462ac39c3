import type { TestingModule } from '@nestjs/testing';
import { createServiceModule } from '../../test/helpers/module.js';
import type { Principal } from '../common/decorators/current-user.decorator.js';
import { ForbiddenError, ValidationError } from '../common/errors/domain.error.js';
import { PasswordService } from '../users/password.service.js';
import { UsersService } from '../users/users.service.js';
import { RecipeNotFoundError, RecipesService } from './recipes.service.js';

describe('RecipesService', () => {
  let module: TestingModule;
  let recipes: RecipesService;
  let alice: Principal;
  let bob: Principal;
  let admin: Principal;

  beforeAll(async () => {
    module = await createServiceModule([RecipesService, UsersService, PasswordService]);
    recipes = module.get(RecipesService);
    const users = module.get(UsersService);
    const principal = async (email: string, isSuperuser = false): Promise<Principal> => ({
      user: await users.create({ email, password: 'long enough pw', isSuperuser }),
      sessionId: 'unused',
      scopes: ['recipes:write'],
    });
    alice = await principal('alice@example.com');
    bob = await principal('bob@example.com');
    admin = await principal('admin@example.com', true);
  });
  afterAll(() => module.close());

  it('should create a recipe owned by the caller', async () => {
    const recipe = await recipes.create({ label: 'Chicken Vesuvio' }, alice);
    expect(recipe).toMatchObject({
      label: 'Chicken Vesuvio',
      submitterId: alice.user.id,
      source: null,
      url: null,
    });
  });

  it('should let only a superuser submit for someone else, and only for a real user', async () => {
    await expect(recipes.create({ label: 'x', submitter_id: bob.user.id }, alice)).rejects.toThrow(
      ForbiddenError,
    );
    await expect(
      recipes.create({ label: 'x', submitter_id: bob.user.id }, admin),
    ).resolves.toMatchObject({
      submitterId: bob.user.id,
    });
    await expect(recipes.create({ label: 'x', submitter_id: 99999 }, admin)).rejects.toThrow(
      ValidationError,
    );
  });

  it('should let the owner and a superuser change a recipe, nobody else', async () => {
    const recipe = await recipes.create({ label: 'Paprikash' }, alice);
    await expect(recipes.update(recipe.id, { label: 'Stolen' }, bob)).rejects.toThrow(
      ForbiddenError,
    );
    await expect(recipes.get(recipe.id)).resolves.toMatchObject({ label: 'Paprikash' });
    await expect(
      recipes.update(recipe.id, { label: 'Chicken Paprikash' }, alice),
    ).resolves.toMatchObject({
      label: 'Chicken Paprikash',
    });
    await expect(recipes.remove(recipe.id, bob)).rejects.toThrow(ForbiddenError);
    await recipes.remove(recipe.id, admin);
    await expect(recipes.get(recipe.id)).rejects.toThrow(RecipeNotFoundError);
  });

  it('should match keywords case-insensitively and take % and _ literally', async () => {
    await recipes.create({ label: 'Cauliflower and Tofu Curry' }, bob);
    await recipes.create({ label: '100% Rye_Bread' }, bob);
    const curry = await recipes.list({ keyword: 'tofu CURRY', limit: 10 });
    expect(curry.items.map((r) => r.label)).toEqual(['Cauliflower and Tofu Curry']);
    expect((await recipes.list({ keyword: '0% R', limit: 10 })).items.map((r) => r.label)).toEqual([
      '100% Rye_Bread',
    ]);
    expect((await recipes.list({ keyword: 'e_B', limit: 10 })).items.map((r) => r.label)).toEqual([
      '100% Rye_Bread',
    ]);
    expect((await recipes.list({ keyword: '%', limit: 10 })).items).toHaveLength(1);
  });

  it('should page newest first without repeats', async () => {
    const all = await recipes.list({ limit: 100 });
    const walked: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await recipes.list({ limit: 2, cursor });
      walked.push(...page.items.map((r) => r.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(walked).toEqual(all.items.map((r) => r.id));
    expect(walked).toEqual([...walked].sort((a, b) => b - a));
  });
});
