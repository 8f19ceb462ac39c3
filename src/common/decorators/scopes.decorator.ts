import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiOAuth2 } from '@nestjs/swagger';

export const SCOPES = ['profile', 'recipes:write', 'users:admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const REQUIRED_SCOPES = 'requiredScopes';

/** The access token must carry every one of these scopes (documented on the operation too). */
export const Scopes = (...scopes: Scope[]) =>
  applyDecorators(SetMetadata(REQUIRED_SCOPES, scopes), ApiBearerAuth(), ApiOAuth2(scopes));
