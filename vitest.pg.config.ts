import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:pg`: the same specs on PostgreSQL. Each test app or module makes a database of
 * its own through TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and
 * drops it when closed (test/helpers/database.ts).
 */
export default mergeConfig(
  base,
  defineConfig({
    // A zone far from UTC proves that timestamps stay UTC whatever the process's zone.
    test: { env: { TEST_ENGINE: 'postgres', TZ: 'America/Los_Angeles' } },
  }),
);
