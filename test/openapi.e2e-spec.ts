import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator.js';
import { ApiResponse, DECORATORS, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ReadonlyVisitor } from '@nestjs/swagger/plugin';
import ts from 'typescript';
import { createOpenApiDocument } from '../src/swagger.js';
import { createTestApp, type TestApp } from './helpers/app.js';

type Exports = Record<string, any>;
type MethodMetadata = {
  summary?: string;
  deprecated?: boolean;
  tags?: string[];
  status?: number;
  [key: string]: unknown;
};
interface PluginMetadata {
  '@nestjs/swagger': {
    models?: [Promise<Exports>, Record<string, unknown>][];
    controllers?: [Promise<Exports>, Record<string, Record<string, MethodMetadata>>][];
  };
}

/**
 * The @nestjs/swagger CLI plugin only runs inside `nest build`, not under Vitest. Run its
 * read-only visitor over src/ with nest-cli.json's options, print the metadata into a temp dir
 * and load it, so the document built here matches the one `node dist/main.js` serves.
 */
async function loadSwaggerPluginMetadata(program: ts.Program, outputDir: string): Promise<void> {
  const src = resolve('src');
  new PluginMetadataGenerator().generate({
    visitors: [
      new ReadonlyVisitor({
        classValidatorShim: true,
        introspectComments: true,
        esmCompatible: true,
        // Imports in metadata.ts are relative to its own folder and must reach src/ (not dist/).
        pathToSource: outputDir,
        rootDir: src,
        outDir: src,
      }),
    ],
    outputDir,
    filename: 'metadata.ts',
    tsProgramRef: program,
    printDiagnostics: false,
  });
  const printed = (await import(pathToFileURL(join(outputDir, 'metadata.ts')).href)) as {
    default: () => Promise<PluginMetadata>;
  };
  const metadata = await printed.default();
  await SwaggerModule.loadPluginMetadata(() => Promise.resolve(metadata));

  // SwaggerModule applies a method's success response from loaded metadata only when the method
  // has no @ApiResponse of its own (overrideExisting: false; nestjs/swagger#2974), so every route
  // with @ApiErrors would lose its 2xx here although `nest build` emits it. Add it the way the
  // compiled plugin does: ApiResponse({ status: @HttpCode ?? 201 for POST ?? 200, type }), unless
  // an explicit decorator already documents that status (in the build, the explicit one wins too).
  for (const [file, classes] of metadata['@nestjs/swagger'].controllers ?? []) {
    const exports = await file;
    for (const [className, methods] of Object.entries(classes)) {
      const prototype = exports[className].prototype as Record<string, object>;
      for (const [
        name,
        { summary: _summary, deprecated: _deprecated, tags: _tags, ...response },
      ] of Object.entries(methods)) {
        const handler = prototype[name];
        const status =
          response.status ??
          (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ??
          (Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.POST ? 201 : 200);
        const documented = Reflect.getMetadata(DECORATORS.API_RESPONSE, handler) as
          Record<string, unknown> | undefined;
        if (documented?.[status] !== undefined) continue;
        ApiResponse({ ...response, status })(
          prototype,
          name,
          Object.getOwnPropertyDescriptor(prototype, name)!,
        );
      }
    }
  }
}

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
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
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
  let metadataDir: string;

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
    metadataDir = mkdtempSync(join(tmpdir(), 'recipe-api-openapi-'));
    const program = ReadonlyVisitor.createTsProgram('tsconfig.build.json');
    examples = jsDocExamples(program);
    await loadSwaggerPluginMetadata(program, metadataDir);
    t = await createTestApp();
    doc = createOpenApiDocument(t.app);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    if (metadataDir) rmSync(metadataDir, { recursive: true, force: true });
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

  it('should document the refresh endpoint with the refresh cookie as its only security scheme', () => {
    expect(doc.components?.securitySchemes?.refresh_cookie).toEqual({
      type: 'apiKey',
      in: 'cookie',
      name: 'refresh_token',
    });
    expect(operation('post', '/api/v1/auth/refresh')?.security).toEqual([{ refresh_cookie: [] }]);
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
      if (name === 'POST /api/v1/auth/login' || name === 'POST /api/v1/auth/refresh') continue;
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
