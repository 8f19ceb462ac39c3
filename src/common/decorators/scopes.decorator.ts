import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiOAuth2 } from '@nestjs/swagger';
import { ApiErrors } from '../api-errors.decorator.js';

/**
 * The scope names, declared where the scope policy lives (auth/scope-policy.ts) by interface
 * merging: routes name scopes in @Scopes() with the compiler's check; common imports no feature.
 */
// oxlint-disable-next-line typescript/no-empty-object-type
export interface ScopeNames {}
export type Scope = keyof ScopeNames;

export const REQUIRED_SCOPES = 'requiredScopes';

/** Documents an operation that needs a bearer token: the lock, the OAuth2 scopes, the 401. */
export const ApiAuthenticated = (...scopes: Scope[]) =>
  applyDecorators(ApiBearerAuth(), ApiOAuth2(scopes), ApiErrors(401));

/** The access token must carry every one of these scopes (documented on the operation too). */
export const Scopes = (...scopes: Scope[]) =>
  applyDecorators(
    SetMetadata(REQUIRED_SCOPES, scopes),
    ApiAuthenticated(...scopes),
    ApiErrors(403),
  );
