// CI: src/schema.ts must be what `npm run generate` makes from the committed ../../openapi.json.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'recipe-api-client-'));
try {
  const fresh = join(dir, 'schema.ts');
  execFileSync('npx', ['openapi-typescript', '../../openapi.json', '-o', fresh], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (readFileSync(fresh, 'utf8') !== readFileSync('src/schema.ts', 'utf8')) {
    console.error(
      'src/schema.ts is stale: run `npm run generate` in clients/typescript and commit it.',
    );
    process.exit(1);
  }
  console.log('src/schema.ts matches ../../openapi.json');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
