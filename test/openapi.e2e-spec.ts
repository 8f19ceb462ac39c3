import { readFileSync } from 'node:fs';
import type { OpenAPIObject } from '@nestjs/swagger';
import ts from 'typescript';
import { createTestApp, type TestApp } from './helpers/app.js';
import { OPENAPI_JSON, openApiDocument, openApiJson, swaggerProgram } from './helpers/openapi.js';

/** `Class.property` → the first JSDoc @example of every DTO property under src/. */
function jsDocExamples(program: ts.Program): Map<string, string> {
  const examples = new Map<string, string>();
  program.getTypeChecker(); // binds the files: getJSDocTags needs parent pointers
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.endsWith('.dto.ts')) continue;
    for (const statement of file.statements) {
      if (!ts.isClassDeclaration(statement) || !statement.name) continue;
      for (const member of statement.members) {
        if (!ts.isPropertyDeclaration(member)) continue;
        const tag = ts.getJSDocTags(member).find((t) => t.tagName.text === 'example');
        if (tag)
          examples.set(
            `${statement.name.text}.${member.name.getText(file)}`,
            ts.getTextOfJSDocComment(tag.comment) ?? '',
          );
      }
    }
  }
  return examples;
}

type Operation = {
  operationId: string;
  description?: string;
  parameters?: Record<string, unknown>[];
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<
    string,
    { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }
  >;
};

/** Every route of the contract this issue implements: [method, path, needs a bearer token, scope]. */
const CONTRACT: [string, string, boolean, string?][] = [
  ['post', '/api/v1/auth/signup', false],
  ['post', '/api/v1/auth/login', false],
  ['post', '/api/v1/auth/logout', true],
  ['get', '/api/v1/auth/me', true],
  ['get', '/api/v1/auth/sessions', true],
  ['delete', '/api/v1/auth/sessions/{id}', true],
  ['post', '/api/v1/auth/password/forgot', false],
  ['post', '/api/v1/auth/password/reset', false],
  ['post', '/api/v1/auth/email/verify/request', true],
  ['post', '/api/v1/auth/email/verify', false],
  ['get', '/api/v1/users/me', true],
  ['patch', '/api/v1/users/me', true, 'profile'],
  ['post', '/api/v1/users/me/password', true, 'profile'],
  ['delete', '/api/v1/users/me', true, 'profile'],
  ['get', '/api/v1/users', true, 'users:admin'],
  ['get', '/api/v1/users/{id}', true, 'users:admin'],
  ['patch', '/api/v1/users/{id}', true, 'users:admin'],
  ['delete', '/api/v1/users/{id}', true, 'users:admin'],
  ['get', '/api/v1/recipes', false],
  ['get', '/api/v1/recipes/{id}', false],
  ['post', '/api/v1/recipes', true, 'recipes:write'],
  ['patch', '/api/v1/recipes/{id}', true, 'recipes:write'],
  ['delete', '/api/v1/recipes/{id}', true, 'recipes:write'],
  ['get', '/api/v1/recipes/search', false],
  ['get', '/api/v1/recipes/my-recipes', true],
  ['get', '/health', false],
  ['get', '/health/ready', false],
  ['get', '/.well-known/jwks.json', false],
];

const PROBLEM = { $ref: '#/components/schemas/ProblemDto' };

describe('OpenAPI document (/docs-json)', () => {
  let t: TestApp;
  let doc: OpenAPIObject;
  let examples: Map<string, string>;

  const operations = (): [string, Operation][] =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Operation>).map(([method, op]): [string, Operation] => [
        `${method.toUpperCase()} ${path}`,
        op,
      ]),
    );
  const operation = (method: string, path: string) =>
    (doc.paths[path] as Record<string, Operation> | undefined)?.[method];

  beforeAll(async () => {
    examples = jsDocExamples(swaggerProgram());
    t = await createTestApp();
    doc = await openApiDocument(t.app);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('should offer the OAuth2 password flow with the three scopes and a bearer field', () => {
    expect(doc.components?.securitySchemes?.oauth2).toEqual({
      type: 'oauth2',
      flows: {
        password: {
          tokenUrl: '/api/v1/auth/login',
          scopes: {
            profile: expect.any(String),
            'recipes:write': expect.any(String),
            'users:admin': expect.any(String),
          },
        },
      },
    });
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  });

  it('should document every route of the contract', () => {
    const documented = operations().map(([name]) => name);
    expect(documented).toEqual(
      expect.arrayContaining(CONTRACT.map(([method, path]) => `${method.toUpperCase()} ${path}`)),
    );
  });

  it('should match the committed openapi.json (run `npm run openapi` after changing the API)', () => {
    expect(readFileSync(OPENAPI_JSON, 'utf8'), 'openapi.json is stale: npm run openapi').toBe(
      openApiJson(doc),
    );
  });

  it('should show the password flow first in the Authorize dialog, and no scheme Swagger UI cannot send', () => {
    expect(Object.keys(doc.components?.securitySchemes ?? {})).toEqual(['oauth2', 'bearer']);
    const refresh = operation('post', '/api/v1/auth/refresh');
    expect(refresh?.security).toEqual([]);
    expect(refresh).toMatchObject({ description: expect.stringContaining('refresh_token') });
  });

  it('should mark every public operation public (security: []) and describe every success', () => {
    for (const [name, op] of operations()) {
      expect({ name, security: op.security }).toEqual({ name, security: expect.any(Array) });
      for (const [status, response] of Object.entries(op.responses).filter(([s]) => s < '300')) {
        expect({ name, status, description: response.description }).toEqual({
          name,
          status,
          description: expect.stringMatching(/\w/),
        });
      }
    }
  });

  it('should document limit and cursor on the lists, optional, with integers where ids and counts are', () => {
    for (const path of ['/api/v1/recipes', '/api/v1/users']) {
      const parameters = operation('get', path)?.parameters ?? [];
      expect(parameters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'limit',
            in: 'query',
            required: false,
            schema: expect.objectContaining({ type: 'integer', default: 20, maximum: 100 }),
          }),
          expect.objectContaining({ name: 'cursor', in: 'query', required: false }),
        ]),
      );
    }
    expect(operation('get', '/api/v1/recipes/search')?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'max_results',
          required: false,
          schema: expect.objectContaining({ type: 'integer', default: 10 }),
        }),
      ]),
    );
    expect(operation('get', '/api/v1/recipes/{id}')?.parameters).toEqual([
      expect.objectContaining({
        name: 'id',
        in: 'path',
        schema: expect.objectContaining({ type: 'integer', example: 1 }),
      }),
    ]);
    const schemas = doc.components?.schemas as Record<string, any>;
    expect(schemas.RecipeDto.properties.id).toMatchObject({ type: 'integer' });
    expect(schemas.RecipeDto.properties.submitter_id).toMatchObject({ type: 'integer' });
    expect(schemas.UserDto.properties.id).toMatchObject({ type: 'integer' });
    expect(schemas.RecipeDto.properties.created_at).toMatchObject({ format: 'date-time' });
    expect(schemas.UserDto.properties.created_at).toMatchObject({ format: 'date-time' });
    expect(schemas.SessionDto.properties.last_used_at).toMatchObject({ format: 'date-time' });
  });

  it('should give every parameter and response header an example', () => {
    type WithExample = { name?: string; example?: unknown; schema?: { example?: unknown } };
    const lacks = (item: WithExample) =>
      item.example === undefined && item.schema?.example === undefined;
    const missing = operations().flatMap(([name, op]) => [
      ...((op.parameters ?? []) as WithExample[])
        .filter(lacks)
        .map((parameter) => `${name}: parameter ${parameter.name}`),
      ...Object.entries(op.responses).flatMap(([status, response]) =>
        Object.entries((response as { headers?: Record<string, WithExample> }).headers ?? {})
          .filter(([, header]) => lacks(header))
          .map(([header]) => `${name}: ${status} header ${header}`),
      ),
    ]);
    expect(missing).toEqual([]);
  });

  it('should type every number as an integer (ids, counts, seconds: the API has no fractions)', () => {
    const numbers: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (!node || typeof node !== 'object') return;
      if ((node as { type?: unknown }).type === 'number') numbers.push(path);
      for (const [key, value] of Object.entries(node))
        if (key !== 'example' && key !== 'examples') walk(value, `${path}/${key}`);
    };
    walk(doc.paths, '#/paths');
    walk(doc.components, '#/components');
    expect(numbers).toEqual([]);
  });

  it('should describe the fields of a validation error', () => {
    const schemas = doc.components?.schemas as Record<string, any>;
    expect(schemas.ProblemDto.properties.errors).toMatchObject({
      type: 'array',
      items: { $ref: '#/components/schemas/FieldErrorDto' },
    });
    expect(schemas.FieldErrorDto).toMatchObject({
      properties: { field: { type: 'string' }, message: { type: 'string' } },
      required: ['field', 'message'],
    });
  });

  it('should document Location on 201, 413 and 415 where a body is read, and 503 everywhere', () => {
    expect(operation('post', '/api/v1/recipes')?.responses['201']).toMatchObject({
      headers: { Location: { schema: { type: 'string' } } },
    });
    // Swagger UI sends the first example: a recipe of the caller's own, not a superuser's request.
    const create = operation('post', '/api/v1/recipes')?.requestBody?.content['application/json'];
    expect(create).toMatchObject({
      examples: { recipe: { value: { label: expect.any(String) } } },
    });
    expect(JSON.stringify(create)).not.toContain('submitter_id');
    for (const [name, op] of operations()) {
      const statuses = Object.keys(op.responses);
      expect({ name, has503: statuses.includes('503') }).toEqual({ name, has503: true });
      if (op.requestBody)
        expect({ name, statuses }).toEqual({
          name,
          statuses: expect.arrayContaining(['413', '415']),
        });
    }
    expect(
      operation('post', '/api/v1/auth/login')?.responses['413']?.content?.['application/json']
        ?.schema,
    ).toEqual({ $ref: '#/components/schemas/OAuthErrorDto' });
  });

  it('should mark exactly the protected routes as needing a token, with their scope', () => {
    for (const [method, path, needsToken, scope] of CONTRACT) {
      const security = operation(method, path)?.security ?? [];
      expect({ route: `${method} ${path}`, secured: security.length > 0 }).toEqual({
        route: `${method} ${path}`,
        secured: needsToken,
      });
      if (needsToken) {
        expect(security).toEqual(expect.arrayContaining([{ bearer: [] }]));
        expect(security.some((requirement) => 'oauth2' in requirement)).toBe(true);
      }
      if (scope) expect(security).toEqual(expect.arrayContaining([{ oauth2: [scope] }]));
    }
  });

  it('should document a success response with a schema on every operation (none for 204)', () => {
    const missing = operations().flatMap(([name, op]) => {
      const success = Object.keys(op.responses).filter((status) => /^2\d\d$/.test(status));
      if (success.length === 0) return [`${name}: no 2xx response`];
      return success
        .filter((status) => status !== '204')
        .filter(
          (status) =>
            !Object.values(op.responses[status].content ?? {}).some((media) => media.schema),
        )
        .map((status) => `${name}: ${status} without a schema`);
    });
    expect(missing).toEqual([]);
  });

  it('should document 401 as problem+json on every protected operation', () => {
    const protectedOps = operations().filter(([, op]) =>
      (op.security ?? []).some((requirement) => 'bearer' in requirement),
    );
    expect(protectedOps.length).toBeGreaterThan(0);
    for (const [name, op] of protectedOps) {
      expect({
        name,
        schema: op.responses['401']?.content?.['application/problem+json']?.schema,
      }).toEqual({
        name,
        schema: PROBLEM,
      });
    }
  });

  it('should answer every documented error as problem+json with an example, except on the token endpoints', () => {
    for (const [name, op] of operations()) {
      // The token endpoints answer in RFC 6749's shape, documented by their 400.
      if (
        op.responses['400']?.content?.['application/json']?.schema?.$ref?.endsWith('/OAuthErrorDto')
      )
        continue;
      for (const [status, response] of Object.entries(op.responses).filter(([s]) =>
        /^4\d\d$/.test(s),
      )) {
        expect({ name, status, content: response.content }).toEqual({
          name,
          status,
          content: {
            'application/problem+json': {
              schema: PROBLEM,
              example: expect.objectContaining({ status: Number(status) }),
            },
          },
        });
      }
    }
    expect(
      operation('post', '/api/v1/auth/login')?.responses['400']?.content?.['application/json']
        ?.schema,
    ).toEqual({
      $ref: '#/components/schemas/OAuthErrorDto',
    });
  });

  it('should let the login operation take the password grant as a urlencoded form (Swagger UI), multipart or JSON', () => {
    const login = operation('post', '/api/v1/auth/login');
    expect(Object.keys(login?.requestBody?.content ?? {})).toEqual(
      expect.arrayContaining([
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'application/json',
      ]),
    );
    expect(login?.requestBody?.content['application/x-www-form-urlencoded'].schema).toEqual({
      $ref: '#/components/schemas/LoginDto',
    });
    expect(login?.responses['200']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/TokenDto',
    });
  });

  it('should carry DTO descriptions and examples from JSDoc (the CLI plugin ran)', () => {
    const schemas = doc.components?.schemas as Record<
      string,
      { properties?: Record<string, any>; required?: string[] }
    >;
    expect(schemas.SignupDto.properties?.email).toMatchObject({
      type: 'string',
      format: 'email',
      description: expect.any(String),
      example: 'cook@example.com',
    });
    expect(schemas.SignupDto.required).toEqual(expect.arrayContaining(['email', 'password']));
    expect(schemas.LoginDto.properties?.username).toMatchObject({ example: expect.any(String) });
    expect(operation('get', '/api/v1/auth/me')).toMatchObject({ summary: expect.any(String) });
  });

  it('should keep every JSDoc @example of a DTO property in the document', () => {
    const schemas = doc.components?.schemas as Record<
      string,
      { properties?: Record<string, { example?: unknown }> }
    >;
    expect(examples.size).toBeGreaterThan(0);
    const lost = [...examples]
      .filter(([key]) => {
        const [model, property] = key.split('.');
        return schemas[model]?.properties?.[property] !== undefined;
      })
      .filter(([key]) => {
        const [model, property] = key.split('.');
        return schemas[model].properties![property].example === undefined;
      })
      // A string example with spaces must be written in double quotes, e.g. @example "Chicken Vesuvio".
      .map(([key, example]) => `${key}: @example ${example}`);
    expect(lost).toEqual([]);
  });
});
