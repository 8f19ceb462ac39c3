import { STATUS_CODES } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type ResponseObject,
} from '@nestjs/swagger';
import { scopeDescriptions } from './auth/scope-policy.js';
import { ProblemDto } from './common/api-errors.decorator.js';

/**
 * The OpenAPI document: the password flow (token URL, the three scopes) and a bearer field.
 * `npm run openapi` writes it to openapi.json; `npm run lint:openapi` checks it (redocly.yaml).
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Recipe API')
    .setDescription(
      'Accounts, JWT authentication and recipes. Errors are RFC 9457 problem details, ' +
        'except on the token endpoints (RFC 6749 §5.2).\n\n' +
        '**Real-time:** `GET /ws` (same host and port) upgrades to a WebSocket. Authenticate ' +
        'with the first message `{"type":"authenticate","access_token":"…"}` within 5 s, or ' +
        'open `/ws?ticket=…` with a single-use ticket from `POST /api/v1/auth/ws-ticket` ' +
        '(30 s). The server answers `{"type":"authenticated","data":{"expires_at"},"at"}`, then ' +
        'sends `{type, data, at}` events: `recipe.created`, `recipe.updated`, `recipe.deleted` ' +
        '(data: Recipe) and `session.revoked` just before it closes. Send another authenticate ' +
        'message with a fresh token before `expires_at` to keep the socket. Close codes: 4401 ' +
        'unauthenticated, token expired or session ended; 4400 bad message; 4408 no answer to ' +
        'ping; 4429 too many messages or sockets; 1009 message over 4 KB. A page of an origin ' +
        'CORS does not allow gets 403.',
    )
    .setVersion('1')
    // Relative: the paths below already carry /api/v1, and the document is served by the API itself.
    .addServer('/', 'The server that serves this document')
    // The first scheme is the first thing Swagger UI's Authorize dialog shows.
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
    .build();
  // Not open source: package.json says UNLICENSED, and so does the document. There is no license
  // text to link to (DocumentBuilder.setLicense always sets a url), so redocly.yaml turns off the
  // rule that wants one.
  config.info.license = { name: 'UNLICENSED (proprietary, all rights reserved)' };
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto] });
  completeResponses(document);
  return document;
}

type Responses = Record<string, ResponseObject>;
type Body = ResponseObject['content'];

const problem = (status: number, detail: string): Body => ({
  'application/problem+json': {
    schema: { $ref: '#/components/schemas/ProblemDto' },
    example: { type: 'about:blank', title: STATUS_CODES[status], status, detail },
  },
});

const oauthError = (error: string, description: string): Body => ({
  'application/json': {
    schema: { $ref: '#/components/schemas/OAuthErrorDto' },
    example: { error, error_description: description },
  },
});

const SUCCESS: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted: what happens next arrives by mail',
  '204': 'Done; no body',
};

/**
 * What every route can answer, whatever its controller says, added where the route does not
 * document the status itself: the refusals of the request pipeline (app.setup.ts) and the 503s
 * of an unreachable database or an answer past REQUEST_TIMEOUT_SECONDS. A route without a
 * security requirement is marked public (`security: []`). The token endpoints answer in
 * RFC 6749's shape (they document their 400 as OAuthErrorDto), every other route problem+json.
 */
function completeResponses(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'post', 'patch', 'put', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      operation.security ??= [];
      const responses = operation.responses as Responses;
      for (const [status, response] of Object.entries(responses)) {
        if (status.startsWith('2') && !response.description) {
          response.description = SUCCESS[status] ?? STATUS_CODES[Number(status)] ?? '';
        }
      }
      const oauth = JSON.stringify(responses['400'] ?? {}).includes('OAuthErrorDto');
      const add = (status: number, description: string, detail: string) => {
        responses[status] ??= {
          description,
          content: oauth
            ? oauthError(status >= 500 ? 'server_error' : 'invalid_request', detail)
            : problem(status, detail),
        };
      };
      add(
        400,
        'Bad Request: the URL, query or body could not be read or holds characters this API refuses',
        'The request could not be read: check the URL and the HTTP syntax.',
      );
      if (operation.requestBody) {
        add(
          413,
          'Payload Too Large: the body is over BODY_LIMIT_BYTES (100 KiB by default)',
          'The request body is larger than this API accepts.',
        );
        add(
          415,
          'Unsupported Media Type: send application/json, or a form where the operation lists one',
          'This content type is not accepted here: send JSON, or a form where the operation takes one.',
        );
      }
      add(
        503,
        'Service Unavailable: the database did not answer, or the answer took longer than REQUEST_TIMEOUT_SECONDS; try again later',
        'The service is not ready: its database is unreachable.',
      );
      operation.responses = Object.fromEntries(
        Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)),
      );
    }
  }
}

/**
 * Swagger UI at /docs, the document at /docs-json; Authorize keeps the token across reloads.
 * The document is built on the first request for it, not at start (start time, idle memory).
 */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: {
      persistAuthorization: true,
      // Replaces Nest's list, which holds DownloadUrl only.
      plugins: [downloadUrl, passwordFlowFirst],
    },
  });
}

// Swagger UI plugins. Nest writes these functions' source into /docs/swagger-ui-init.js (a file,
// as the CSP wants), so they run in the browser: globals only, nothing from this module.
declare const SwaggerUIBundle: { plugins: { DownloadUrl: (system: unknown) => object } };

/** Swagger UI's own plugin that loads the document from its URL. */
function downloadUrl(system: unknown): object {
  return SwaggerUIBundle.plugins.DownloadUrl(system);
}

/**
 * The Authorize dialog focuses its last text field (the bearer token's) and scrolls there, below
 * the password flow: put the cursor in the password flow's username instead, at the top.
 */
function passwordFlowFirst(): object {
  return {
    statePlugins: {
      auth: {
        wrapActions: {
          showDefinitions: (show: (definitions: unknown) => unknown) => (definitions: unknown) => {
            const result = show(definitions);
            if (definitions)
              setTimeout(() => {
                const username = document.getElementById('oauth_username');
                if (!username) return;
                username.focus({ preventScroll: true });
                const content = username.closest('.modal-ux-content');
                if (content) content.scrollTop = 0;
              }, 0);
            return result;
          },
        },
      },
    },
  };
}
