import { Init1795400040487 } from './1795400040487-Init.js';
import { TokensAndMail1795402053735 } from './1795402053735-TokensAndMail.js';
import { RecipeSearch1795403625801 } from './1795403625801-RecipeSearch.js';
import { SessionAuthentication1796434078424 } from './1796434078424-SessionAuthentication.js';
import { SecondFactors1796434312946 } from './1796434312946-SecondFactors.js';
import { Passkeys1796436518001 } from './1796436518001-Passkeys.js';

/** Every SQLite migration, oldest first: a generated one is added here. */
export const sqliteMigrations = [
  Init1795400040487,
  TokensAndMail1795402053735,
  RecipeSearch1795403625801,
  SessionAuthentication1796434078424,
  SecondFactors1796434312946,
  Passkeys1796436518001,
];
