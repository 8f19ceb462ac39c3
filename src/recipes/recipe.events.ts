import type { RecipeDto } from './dto/recipe.dto.js';

/**
 * A recipe was created, changed or deleted, announced by RecipesService once the write is done
 * (real-time clients hear of it). Emitted with `emit`: a listener cannot fail the request.
 */
export const RECIPE_CREATED = 'recipe.created';
export const RECIPE_UPDATED = 'recipe.updated';
export const RECIPE_DELETED = 'recipe.deleted';

export type RecipeEventName = typeof RECIPE_CREATED | typeof RECIPE_UPDATED | typeof RECIPE_DELETED;

export class RecipeChanged {
  constructor(
    readonly type: RecipeEventName,
    /** The recipe as GET /recipes/{id} shows it (after the change; before it for a deletion). */
    readonly recipe: RecipeDto,
    readonly at: Date = new Date(),
  ) {}
}
