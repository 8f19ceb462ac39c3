// `npm run openapi`: runs scripts/openapi.ts through Vite's module runner, which compiles
// TypeScript with decorator metadata the way the Vitest specs are compiled (Nest's DI needs it).
import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

await runnerImport(fileURLToPath(new URL('./openapi.ts', import.meta.url)), {
  configFile: false,
  logLevel: 'warn',
});
