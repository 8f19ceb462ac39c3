import { ApiProperty } from '@nestjs/swagger';
import type { Recipe } from '../recipe.entity.js';

export class RecipeDto {
  /** @example 1 */
  @ApiProperty({ type: 'integer' })
  id: number;
  /** @example "Chicken Vesuvio" */
  label: string;
  /** @example "Serious Eats" */
  source: string | null;
  /** @example http://www.seriouseats.com/recipes/2011/12/chicken-vesuvio-recipe.html */
  url: string | null;
  /** @example 1 */
  @ApiProperty({ type: 'integer' })
  submitter_id: number;
  /** @example 2026-11-23T10:00:00.000Z */
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  /** @example 2026-11-23T10:00:00.000Z */
  @ApiProperty({ format: 'date-time' })
  updated_at: string;

  static from(recipe: Recipe): RecipeDto {
    return {
      id: recipe.id,
      label: recipe.label,
      source: recipe.source,
      url: recipe.url,
      submitter_id: recipe.submitterId,
      created_at: recipe.createdAt.toISOString(),
      updated_at: recipe.updatedAt.toISOString(),
    };
  }
}

export class RecipePageDto {
  items: RecipeDto[];
  /** Pass as `cursor` for the next page; null on the last page. @example MTI */
  next_cursor: string | null;
}

/** The shape the Ultimate FastAPI Tutorial's front end reads. */
export class RecipeResultsDto {
  results: RecipeDto[];
}
