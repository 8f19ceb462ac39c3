import { defineConfig } from 'vitest/config';

/** `npm run test:browser`: the built server (dist/) driven by Debian's Chromium through playwright-core. */
export default defineConfig({
  test: {
    globals: true,
    root: './',
    include: ['test/browser/**/*.browser-spec.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
