import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { isConstraintViolation } from '../common/errors/database-errors.js';
import type { Principal } from '../common/decorators/current-user.decorator.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../common/errors/domain.error.js';
import { decodeCursor, toPage, type Page } from '../common/pagination.js';
import type {
  CreateRecipeDto,
  ListRecipesQueryDto,
  UpdateRecipeDto,
} from './dto/recipe-input.dto.js';
import { RecipeDto } from './dto/recipe.dto.js';
import { whereLabelContains } from './label-search.js';
import {
  RECIPE_CREATED,
  RECIPE_DELETED,
  RECIPE_UPDATED,
  RecipeChanged,
  type RecipeEventName,
} from './recipe.events.js';
import { Recipe } from './recipe.entity.js';

export class RecipeNotFoundError extends NotFoundError {
  constructor() {
    super('Recipe');
  }
}

@Injectable()
export class RecipesService {
  constructor(
    @InjectRepository(Recipe) private readonly recipes: Repository<Recipe>,
    private readonly events: EventEmitter2,
  ) {}

  /** Newest first, keyset-paginated on id. */
  async list(
    query: Pick<ListRecipesQueryDto, 'keyword' | 'submitter_id' | 'limit' | 'cursor'>,
  ): Promise<Page<RecipeDto>> {
    const before = decodeCursor(query.cursor);
    const qb = this.recipes
      .createQueryBuilder('recipe')
      .orderBy('recipe.id', 'DESC')
      .take(query.limit + 1);
    if (before !== undefined) qb.andWhere({ id: LessThan(before) });
    if (query.submitter_id !== undefined) qb.andWhere({ submitterId: query.submitter_id });
    if (query.keyword) {
      whereLabelContains(qb, query.keyword, {
        before,
        submitterId: query.submitter_id,
        take: query.limit + 1,
      });
    }
    return toPage(await qb.getMany(), query.limit, (recipe) => RecipeDto.from(recipe));
  }

  async get(id: number): Promise<Recipe> {
    const recipe = await this.recipes.findOneBy({ id });
    if (!recipe) throw new RecipeNotFoundError();
    return recipe;
  }

  async create(dto: CreateRecipeDto, caller: Principal): Promise<Recipe> {
    const submitterId = dto.submitter_id ?? caller.user.id;
    if (submitterId !== caller.user.id && !caller.user.isSuperuser) {
      throw new ForbiddenError('Only a superuser may submit a recipe for another user.');
    }
    try {
      const recipe = await this.recipes.save(
        this.recipes.create({
          label: dto.label,
          source: dto.source ?? null,
          url: dto.url ?? null,
          submitterId,
        }),
      );
      return this.announce(RECIPE_CREATED, recipe);
    } catch (error) {
      if (isConstraintViolation(error, 'foreignKey')) {
        throw new ValidationError([{ field: 'submitter_id', message: 'no user has this id' }]);
      }
      throw error;
    }
  }

  async update(id: number, dto: UpdateRecipeDto, caller: Principal): Promise<Recipe> {
    const recipe = await this.getOwned(id, caller);
    Object.assign(recipe, {
      ...(dto.label !== undefined && { label: dto.label }),
      ...(dto.source !== undefined && { source: dto.source }),
      ...(dto.url !== undefined && { url: dto.url }),
    });
    return this.announce(RECIPE_UPDATED, await this.recipes.save(recipe));
  }

  async remove(id: number, caller: Principal): Promise<void> {
    const recipe = await this.getOwned(id, caller);
    await this.recipes.delete({ id: recipe.id });
    this.announce(RECIPE_DELETED, recipe);
  }

  private announce(type: RecipeEventName, recipe: Recipe): Recipe {
    this.events.emit(type, new RecipeChanged(type, RecipeDto.from(recipe)));
    return recipe;
  }

  private async getOwned(id: number, caller: Principal): Promise<Recipe> {
    const recipe = await this.get(id);
    if (recipe.submitterId !== caller.user.id && !caller.user.isSuperuser) {
      throw new ForbiddenError('Only the submitter or a superuser may change this recipe.');
    }
    return recipe;
  }
}
