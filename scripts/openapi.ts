import { writeFileSync } from 'node:fs';
import { createTestApp } from '../test/helpers/app.js';
import { OPENAPI_JSON, openApiDocument, openApiJson } from '../test/helpers/openapi.js';

/**
 * `npm run openapi`: writes openapi.json at the root from the application as it is in src/, with
 * the @nestjs/swagger CLI plugin's metadata built the way the tests build it. The app is
 * initialised on an in-memory SQLite database and never listens.
 */
const app = await createTestApp();
try {
  writeFileSync(OPENAPI_JSON, openApiJson(await openApiDocument(app.app)));
} finally {
  await app.close();
}
console.log(`wrote ${OPENAPI_JSON}`);
