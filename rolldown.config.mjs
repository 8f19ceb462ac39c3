// `npm run build` runs this after `nest build`: dist/server.js and everything it imports, our
// code and the packages, become one file in its place. Node then reads ~350 files at start
// instead of ~2,700 (docs/performance.md has the cold start before and after). dist/main.js
// stays as tsc wrote it; the other files of dist/ stay too (seed scripts, CLI). A package that
// loads another at run time (createRequire, a computed import()) gets a second copy from
// node_modules: keep such targets external, or avoid the call (see docs/decisions.md).
import { readFileSync } from 'node:fs';
import { defineConfig } from 'rolldown';

export default defineConfig({
  input: 'dist/server.js',
  platform: 'node',
  external: [
    // @nestjs/typeorm require()s typeorm at run time (typeorm-compat.js): one copy for all.
    'typeorm',
    // Native addons, and packages that read files beside their own code.
    'better-sqlite3',
    '@node-rs/argon2',
    // Starts its threads from its own worker.js, found beside its code.
    'piscina',
    'swagger-ui-dist',
    // Loaded at run time only when configured (createRequire): one copy, shared with TypeORM.
    'pg',
    'pg-native',
    'nodemailer',
    // @nestjs/platform-ws loads ws at run time (createRequire): one copy, shared with src/realtime.
    'ws',
    // Optional peers of Nest and TypeORM that this server does not use.
    /^@nestjs\/(microservices|platform-socket\.io|platform-express)/,
    '@fastify/view',
  ],
  plugins: [
    {
      // The argon2 pool starts its threads from this file, found beside the bundle.
      name: 'argon2-worker',
      generateBundle() {
        const source = readFileSync('src/users/argon2.worker.mjs', 'utf8');
        this.emitFile({ type: 'asset', fileName: 'argon2.worker.mjs', source });
      },
    },
  ],
  output: {
    file: 'dist/server.js',
    format: 'esm',
    inlineDynamicImports: true,
    minify: true,
    // Nest, TypeORM and the logs use class and function names.
    keepNames: true,
  },
});
