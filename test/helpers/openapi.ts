import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RequestMethod, type INestApplication } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator.js';
import { ApiResponse, DECORATORS, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ReadonlyVisitor } from '@nestjs/swagger/plugin';
import type ts from 'typescript';
import { createOpenApiDocument } from '../../src/swagger.js';

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

let program: ts.Program | undefined;
let loaded: Promise<void> | undefined;

/** The TypeScript program over src/ that the CLI plugin reads (built once per test file). */
export function swaggerProgram(): ts.Program {
  program ??= ReadonlyVisitor.createTsProgram('tsconfig.build.json');
  return program;
}

/**
 * The @nestjs/swagger CLI plugin only runs inside `nest build`, not under Vitest. Run its
 * read-only visitor over src/ with nest-cli.json's options, print the metadata into a temp dir
 * and load it, so a document built afterwards matches the one `node dist/main.js` serves.
 * It decorates the DTO and controller classes of this module graph: loaded once per test file
 * (Vitest gives each file its own), later calls wait for the first.
 */
export function loadSwaggerPluginMetadata(): Promise<void> {
  loaded ??= load();
  return loaded;
}

/** The OpenAPI document as the built server serves it at /docs-json, for a test app. */
export async function openApiDocument(app: INestApplication): Promise<OpenAPIObject> {
  await loadSwaggerPluginMetadata();
  return createOpenApiDocument(app);
}

/** The committed document (`npm run openapi` writes it; openapi.e2e-spec fails when it is stale). */
export const OPENAPI_JSON = fileURLToPath(new URL('../../openapi.json', import.meta.url));

const sortedKeys = (object: object): object =>
  Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * openapi.json's text: paths, component names and response statuses in sorted order, so the
 * order modules register routes in does not show in a diff; everything else as Nest builds it.
 */
export function openApiJson(document: OpenAPIObject): string {
  const components = document.components ?? {};
  const ordered = {
    ...document,
    paths: Object.fromEntries(
      Object.entries(sortedKeys(document.paths)).map(([path, item]) => [
        path,
        Object.fromEntries(
          Object.entries(item as Record<string, unknown>).map(([method, operation]) => [
            method,
            operation && typeof operation === 'object' && 'responses' in operation
              ? { ...operation, responses: sortedKeys(operation.responses as object) }
              : operation,
          ]),
        ),
      ]),
    ),
    components: Object.fromEntries(
      Object.entries(sortedKeys(components)).map(([kind, entries]) => [
        kind,
        sortedKeys(entries as object),
      ]),
    ),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

async function load(): Promise<void> {
  const outputDir = mkdtempSync(join(tmpdir(), 'recipe-api-openapi-'));
  try {
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
      tsProgramRef: swaggerProgram(),
      printDiagnostics: false,
    });
    const printed = (await import(
      /* @vite-ignore */ pathToFileURL(join(outputDir, 'metadata.ts')).href
    )) as {
      default: () => Promise<PluginMetadata>;
    };
    const metadata = await printed.default();
    await SwaggerModule.loadPluginMetadata(() => Promise.resolve(metadata));
    await addSuccessResponses(metadata);
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
  }
}

/**
 * SwaggerModule applies a method's success response from loaded metadata only when the method
 * has no @ApiResponse of its own (overrideExisting: false; nestjs/swagger#2974), so every route
 * with @ApiErrors would lose its 2xx here although `nest build` emits it. Add it the way the
 * compiled plugin does: ApiResponse({ status: @HttpCode ?? 201 for POST ?? 200, type }), unless
 * an explicit decorator already documents that status (in the build, the explicit one wins too).
 */
async function addSuccessResponses(metadata: PluginMetadata): Promise<void> {
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
