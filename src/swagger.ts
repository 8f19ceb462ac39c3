import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { scopeDescriptions } from './auth/scope-policy.js';
import { ProblemDto } from './common/api-errors.decorator.js';

/** The OpenAPI document: the password flow (token URL, the three scopes) and a bearer field. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Recipe API')
    .setDescription(
      'Accounts, JWT authentication and recipes. Errors are RFC 9457 problem details.',
    )
    .setVersion('1')
    .addOAuth2({
      type: 'oauth2',
      flows: {
        password: {
          tokenUrl: '/api/v1/auth/login',
          scopes: scopeDescriptions(),
        },
      },
    })
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    // REFRESH_COOKIE=true: /auth/refresh also reads the refresh token from this HttpOnly cookie.
    .addCookieAuth(
      'refresh_token',
      { type: 'apiKey', in: 'cookie', name: 'refresh_token' },
      'refresh_cookie',
    )
    .build();
  return SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto] });
}

/**
 * Swagger UI at /docs, the document at /docs-json; Authorize keeps the token across reloads.
 * The document is built on the first request for it, not at start (start time, idle memory).
 */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
