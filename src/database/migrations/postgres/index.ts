import { Init1795403611309 } from './1795403611309-Init.js';
import { RecipeSearch1795403625801 } from './1795403625801-RecipeSearch.js';
import { RecipeSearchNoPendingList1795420000000 } from './1795420000000-RecipeSearchNoPendingList.js';

/** Every PostgreSQL migration, oldest first: a generated one is added here. */
export const postgresMigrations = [
  Init1795403611309,
  RecipeSearch1795403625801,
  RecipeSearchNoPendingList1795420000000,
];
