import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// A spec beside the code that opens a database or Redis through the test helpers is an
// integration spec; every other one is a unit spec, which needs no service at all.
const SERVICE_HELPERS = /test\/helpers\/(app|database|module|redis)\.js/;
const integrationSpecs = readdirSync('src', { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.spec.ts'))
  .map((path) => `src/${path.replaceAll('\\', '/')}`)
  .filter((path) => SERVICE_HELPERS.test(readFileSync(path, 'utf8')));

/**
 * Three projects: `unit` (no services), `integration` (specs beside the code that need a database
 * or Redis), `e2e` (test/, the whole app). `npm test` runs them all, `npm run test:unit` the first.
 */
export default defineConfig({
  test: {
    globals: true,
    root: './',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.spec.ts'], exclude: integrationSpecs },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: integrationSpecs,
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e-spec.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
