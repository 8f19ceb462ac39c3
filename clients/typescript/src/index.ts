export {
  createRecipeClient,
  unwrap,
  type Credentials,
  type RecipeClient,
  type RecipeClientOptions,
  type SecondFactor,
  type Session,
  type Token,
} from './client.js';
export {
  isOAuthErrorBody,
  isProblem,
  OAuthError,
  ProblemError,
  RecipeApiError,
  type FieldError,
  type OAuthErrorBody,
  type Problem,
} from './errors.js';
export type { components, operations, paths } from './schema.js';
export {
  CLOSE_CODES,
  connect,
  type ConnectOptions,
  type RealtimeConnection,
  type RealtimeEvent,
  type WebSocketLike,
} from './realtime.js';
export { memoryStorage, webStorage, type StoredTokens, type TokenStorage } from './storage.js';

import type { components } from './schema.js';
export type User = components['schemas']['UserDto'];
export type Recipe = components['schemas']['RecipeDto'];
