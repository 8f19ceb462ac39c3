// `npm run seed`: the three demo recipes of the Ultimate FastAPI Tutorial, owned by FIRST_SUPERUSER.
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { appConfig, type AppConfig } from '../config/configuration.js';
import { Recipe } from '../recipes/recipe.entity.js';
import { UsersService } from '../users/users.service.js';

const DEMO_RECIPES = [
  {
    label: 'Chicken Vesuvio',
    source: 'Serious Eats',
    url: 'http://www.seriouseats.com/recipes/2011/12/chicken-vesuvio-recipe.html',
  },
  {
    label: 'Chicken Paprikash',
    source: 'No Recipes',
    url: 'http://norecipes.com/recipe/chicken-paprikash/',
  },
  {
    label: 'Cauliflower and Tofu Curry Recipe',
    source: 'Serious Eats',
    url: 'http://www.seriouseats.com/recipes/2011/02/cauliflower-and-tofu-curry-recipe.html',
  },
];

const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
try {
  const { firstSuperuser } = app.get<AppConfig>(appConfig.KEY);
  if (!firstSuperuser)
    throw new Error(
      'Set FIRST_SUPERUSER and FIRST_SUPERUSER_PASSWORD: the demo recipes need an owner.',
    );
  const owner = await app.get(UsersService).findByEmail(firstSuperuser.email);
  const recipes = app.get(DataSource).getRepository(Recipe);
  let added = 0;
  for (const demo of DEMO_RECIPES) {
    if (await recipes.existsBy({ label: demo.label, submitterId: owner!.id })) continue;
    await recipes.insert({ ...demo, submitterId: owner!.id });
    added += 1;
  }
  console.log(
    `Seeded ${added} demo recipes for ${owner!.email} (${DEMO_RECIPES.length - added} were there).`,
  );
} finally {
  await app.close();
}
