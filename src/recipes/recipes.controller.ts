import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { ApiIdParam } from '../common/api-id-param.decorator.js';
import { CurrentUser, type Principal } from '../common/decorators/current-user.decorator.js';
import { Public } from '../common/decorators/public.decorator.js';
import { ApiAuthenticated, Scopes } from '../common/decorators/scopes.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import {
  CreateRecipeDto,
  ListRecipesQueryDto,
  SearchRecipesQueryDto,
  UpdateRecipeDto,
} from './dto/recipe-input.dto.js';
import { RecipeDto, RecipePageDto, RecipeResultsDto } from './dto/recipe.dto.js';
import { RecipesService } from './recipes.service.js';

@ApiTags('recipes')
@Controller('recipes')
export class RecipesController {
  constructor(private readonly recipes: RecipesService) {}

  /** All recipes, newest first, optionally by keyword or submitter. */
  @Public()
  @Get()
  @ApiErrors(400)
  list(@Query() query: ListRecipesQueryDto): Promise<RecipePageDto> {
    return this.recipes.list(query);
  }

  /** Keyword search for the tutorial front end. */
  @Public()
  @Get('search')
  @ApiErrors(400)
  async search(
    @Query() { keyword, max_results }: SearchRecipesQueryDto,
  ): Promise<RecipeResultsDto> {
    return { results: (await this.recipes.list({ keyword, limit: max_results })).items };
  }

  /** The caller's newest 100 recipes, for the tutorial front end. */
  @Get('my-recipes')
  @ApiAuthenticated()
  async mine(@CurrentUser() { user }: Principal): Promise<RecipeResultsDto> {
    return { results: (await this.recipes.list({ submitter_id: user.id, limit: 100 })).items };
  }

  /** One recipe. */
  @Public()
  @Get(':id')
  @ApiIdParam('The recipe.')
  @ApiErrors(400, 404)
  async get(@Param('id', ParseIdPipe) id: number): Promise<RecipeDto> {
    return RecipeDto.from(await this.recipes.get(id));
  }

  /** Add a recipe; `Location` names it. */
  @Post()
  @Scopes('recipes:write')
  @ApiBody({
    type: CreateRecipeDto,
    // A recipe of the caller's own: `submitter_id` is for superusers, so the example leaves it out.
    examples: {
      recipe: {
        summary: 'A recipe of your own',
        value: {
          label: 'Chicken Vesuvio',
          source: 'Serious Eats',
          url: 'http://www.seriouseats.com/recipes/2011/12/chicken-vesuvio-recipe.html',
        },
      },
    },
  })
  @ApiCreatedResponse({
    type: RecipeDto,
    description: 'Created',
    headers: {
      Location: {
        description: 'The new recipe',
        schema: { type: 'string', example: '/api/v1/recipes/1' },
      },
    },
  })
  @ApiErrors(400)
  async create(
    @Body() dto: CreateRecipeDto,
    @CurrentUser() caller: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecipeDto> {
    const recipe = RecipeDto.from(await this.recipes.create(dto, caller));
    reply.header('Location', `/api/v1/recipes/${recipe.id}`);
    return recipe;
  }

  /** Change a recipe (its submitter or a superuser). */
  @Patch(':id')
  @Scopes('recipes:write')
  @ApiIdParam('The recipe.')
  @ApiErrors(400, 404)
  async update(
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateRecipeDto,
    @CurrentUser() caller: Principal,
  ): Promise<RecipeDto> {
    return RecipeDto.from(await this.recipes.update(id, dto, caller));
  }

  /** Delete a recipe (its submitter or a superuser). */
  @Delete(':id')
  @HttpCode(204)
  @Scopes('recipes:write')
  @ApiIdParam('The recipe.')
  @ApiErrors(400, 404)
  remove(@Param('id', ParseIdPipe) id: number, @CurrentUser() caller: Principal): Promise<void> {
    return this.recipes.remove(id, caller);
  }
}
