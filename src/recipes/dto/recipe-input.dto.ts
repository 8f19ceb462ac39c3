import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IsOmittable } from '../../common/decorators/omittable.decorator.js';
import { PageQueryDto } from '../../common/dto/page-query.dto.js';
import { MAX_ID } from '../../common/parse-id.pipe.js';

export class CreateRecipeDto {
  /** @example "Chicken Vesuvio" */
  @IsString()
  @Length(1, 256)
  label: string;

  /** @example "Serious Eats" */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  source?: string;

  /** An absolute http(s) URL. @example http://www.seriouseats.com/recipes/2011/12/chicken-vesuvio-recipe.html */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url?: string;

  /** Defaults to the caller; only a superuser may name another user. */
  @ApiPropertyOptional({ type: 'integer', maximum: MAX_ID, example: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2 ** 31 - 1)
  submitter_id?: number;
}

/** Only the fields sent change. */
export class UpdateRecipeDto {
  /** Left out, it stays as it is; it cannot be cleared. @example "Chicken Vesuvio" */
  @IsOmittable()
  @IsString()
  @Length(1, 256)
  label?: string;

  /** `null` clears it. @example "Serious Eats" */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  source?: string | null;

  /** An absolute http(s) URL; `null` clears it. @example http://www.seriouseats.com/recipes/2011/12/chicken-vesuvio-recipe.html */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url?: string | null;
}

export class ListRecipesQueryDto extends PageQueryDto {
  /** Case-insensitive part of the label. @example chicken */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  keyword?: string;

  /** Only this user's recipes. @example 1 */
  @ApiPropertyOptional({ type: 'integer', maximum: MAX_ID })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2 ** 31 - 1)
  submitter_id?: number;
}

export class SearchRecipesQueryDto {
  /** At least 3 characters of the label, any case. @example chicken */
  @IsString()
  @MinLength(3)
  @MaxLength(100)
  keyword: string;

  /** How many recipes at most (1–100). @example 10 */
  @ApiPropertyOptional({ type: 'integer', default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  max_results: number = 10;
}
