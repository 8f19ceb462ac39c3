import { Init1795403611309 } from './1795403611309-Init.js';
import { RecipeSearch1795403625801 } from './1795403625801-RecipeSearch.js';
import { RecipeSearchNoPendingList1795420000000 } from './1795420000000-RecipeSearchNoPendingList.js';
import { SessionAuthentication1796434103486 } from './1796434103486-SessionAuthentication.js';
import { SecondFactors1796434318117 } from './1796434318117-SecondFactors.js';
import { Passkeys1796436518088 } from './1796436518088-Passkeys.js';

/** Every PostgreSQL migration, oldest first: a generated one is added here. */
export const postgresMigrations = [
  Init1795403611309,
  RecipeSearch1795403625801,
  RecipeSearchNoPendingList1795420000000,
  SessionAuthentication1796434103486,
  SecondFactors1796434318117,
  Passkeys1796436518088,
];
