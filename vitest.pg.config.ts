import { defineConfig } from 'vitest/config';

/**
 * `npm run test:pg`: the same specs on PostgreSQL. Each test app or module makes a database of
 * its own through TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and
 * drops it when closed (test/helpers/database.ts).
 */
export default defineConfig({
  test: {
    globals: true,
    root: './',
    include: ['src/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // A zone far from UTC proves that timestamps stay UTC whatever the process's zone.
    env: { TEST_ENGINE: 'postgres', TZ: 'America/Los_Angeles' },
  },
});
