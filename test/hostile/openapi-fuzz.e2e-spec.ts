import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { AccountService } from '../../src/auth/account.service.js';
import { createTestApp } from '../helpers/app.js';
import { INVALID_TOKEN_CHALLENGE } from '../helpers/expect.js';
import { createRecipe, createUser, type TestUser } from '../helpers/factories.js';
import { base64url, decodeJwt, resign } from '../helpers/jwt.js';
import { openApiDocument } from '../helpers/openapi.js';
import {
  contractViolations,
  createSuperuser,
  describeAnswer,
  describeRequest,
  encode,
  fillPath,
  hostileFields,
  hostilePathValue,
  hostileQuery,
  malformed,
  operationsOf,
  RUNS,
  SEED,
  tableState,
  WRONG_CONTENT_TYPES,
  type Body,
  type Operation,
} from './hostile.js';

// The routes come from the OpenAPI document the server serves: a new route is attacked too.
const t = await createTestApp();
const operations = operationsOf(await openApiDocument(t.app));

// Content types that no route takes: the contract answers them with 415.
const UNSUPPORTED = new Set([
  'text/plain',
  'text/html',
  'application/xml',
  'application/octet-stream',
  'image/png',
  'application/jsonx',
  'json',
  '*/*',
  'multipart/mixed; boundary=x',
]);

const property = { seed: SEED, numRuns: RUNS };
const now = () => Math.floor(Date.now() / 1000);

describe(`hostile input from the OpenAPI document (HOSTILE_SEED=${SEED})`, () => {
  let caller: TestUser;

  beforeAll(async () => {
    // Row 1 of users and recipes (see fillPath): an account and a recipe the caller does not own.
    const owner = await createUser(t);
    await createRecipe(t, owner);
    caller = await createSuperuser(t);
  });
  afterAll(async () => {
    await t.close();
  });

  /** Work an earlier answer left running (a reset mail after its 202) lands before a snapshot. */
  const backgroundDone = () => t.app.get(AccountService).settled();

  /** A 2xx may legitimately end the caller (logout, account deletion, demotion): then a new superuser. */
  async function keepCallerUsable(): Promise<void> {
    const me = await t.request({ method: 'GET', url: '/api/v1/auth/me', headers: caller.auth });
    const user =
      me.statusCode === 200 ? me.json<{ is_superuser: boolean; is_active: boolean }>() : undefined;
    if (!user?.is_superuser || !user.is_active) caller = await createSuperuser(t);
  }

  /** Sends one request and checks the contract; a refusal must leave every table as it was. */
  async function attack(
    operation: Operation,
    options: InjectOptions,
    expected?: number,
  ): Promise<void> {
    await backgroundDone();
    const before = await tableState(t);
    const response = await t.request(options);
    const broken = contractViolations(operation, response);
    if (expected !== undefined && response.statusCode !== expected)
      broken.push(`status ${response.statusCode}, expected ${expected}`);
    if (response.statusCode >= 400 && response.statusCode < 500) {
      await backgroundDone();
      const after = await tableState(t);
      if (!isDeepStrictEqual(before, after))
        broken.push(
          `a refusal changed the database: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`,
        );
    }
    if (broken.length > 0)
      throw new Error(
        `${operation.name}: ${broken.join('; ')}\n    sent: ${describeRequest(options)}\n    answer: ${describeAnswer(response)}`,
      );
    if (response.statusCode < 300 && options.method !== 'GET') await keepCallerUsable();
  }

  /** The request, with the caller's token where the operation needs one (or the `authorization` given, none for null). */
  const request = (
    operation: Operation,
    url: string,
    body?: Body,
    authorization: string | null = operation.secured ? caller.auth.authorization : null,
  ): InjectOptions => ({
    method: operation.method as InjectOptions['method'],
    url,
    headers: {
      ...(authorization !== null && { authorization }),
      ...(body?.contentType !== undefined && { 'content-type': body.contentType }),
    },
    ...(body && { payload: body.payload }),
  });

  /** A body the operation takes, with nothing hostile in it (for attacks elsewhere). */
  const plainBody = (operation: Operation): Body | undefined =>
    operation.consumes.length > 0 ? { contentType: 'application/json', payload: '{}' } : undefined;

  describe.each(operations.map((operation) => [operation.name, operation] as const))(
    '%s',
    (_name, operation) => {
      const pathParameters = operation.parameters.filter((p) => p.in === 'path');

      if (pathParameters.length > 0)
        it('should refuse hostile path parameters', async () => {
          const values = fc.record(
            Object.fromEntries(pathParameters.map((p) => [p.name, hostilePathValue])),
          );
          await fc.assert(
            fc.asyncProperty(values, async (path) => {
              await attack(
                operation,
                request(operation, fillPath(operation, path), plainBody(operation)),
              );
            }),
            property,
          );
        });

      it('should answer hostile, repeated and extra query parameters within the contract', async () => {
        await fc.assert(
          fc.asyncProperty(hostileQuery(operation.parameters), async (query) => {
            await attack(
              operation,
              request(operation, `${fillPath(operation)}?${query}`, plainBody(operation)),
            );
          }),
          property,
        );
      });

      if (operation.consumes.length > 0)
        it('should refuse hostile values, missing fields and extra properties in every body type it takes', async () => {
          const bodies = fc.oneof(
            ...operation.consumes.map(([type, schema]) =>
              hostileFields(schema).map((fields) => encode(type, fields)),
            ),
          );
          await fc.assert(
            fc.asyncProperty(bodies, async (body) => {
              await attack(operation, request(operation, fillPath(operation), body));
            }),
            property,
          );
        });

      if (operation.consumes.length > 0)
        it('should refuse malformed bodies of every type it takes', async () => {
          const bodies = fc.oneof(...operation.consumes.map(([type]) => malformed(type)));
          await fc.assert(
            fc.asyncProperty(bodies, async (body) => {
              await attack(operation, request(operation, fillPath(operation), body));
            }),
            property,
          );
        });

      if (operation.method !== 'GET')
        it('should refuse content types it does not take', async () => {
          await fc.assert(
            fc.asyncProperty(fc.constantFrom(...WRONG_CONTENT_TYPES), async (contentType) => {
              const expected =
                operation.consumes.length > 0 && UNSUPPORTED.has(contentType) ? 415 : undefined;
              await attack(
                operation,
                request(operation, fillPath(operation), { contentType, payload: '{"a":"b"}' }),
                expected,
              );
            }),
            { ...property, numRuns: Math.min(RUNS, WRONG_CONTENT_TYPES.length * 2) },
          );
        });

      if (operation.secured)
        describe('without a valid access token', () => {
          const forged: [string, () => string][] = [
            ['a garbage token', () => 'Bearer not-a-token'],
            [
              'an alg "none" token',
              () =>
                `Bearer ${base64url({ alg: 'none', typ: 'at+jwt' })}.${base64url(decodeJwt(caller.token).payload)}.`,
            ],
            [
              'an expired token',
              () =>
                `Bearer ${resign(t, caller.token, { payload: { iat: now() - 1_000, exp: now() - 120 } })}`,
            ],
          ];

          it('should answer 401 with WWW-Authenticate: Bearer when no token is sent', async () => {
            const before = await tableState(t);
            const response = await t.request(
              request(operation, fillPath(operation), plainBody(operation), null),
            );
            expect(contractViolations(operation, response)).toEqual([]);
            expect(response.statusCode).toBe(401);
            expect(response.headers['www-authenticate']).toBe('Bearer');
            expect(await tableState(t)).toEqual(before);
          });

          it.each(forged)('should answer 401 invalid_token to %s', async (_case, authorization) => {
            const before = await tableState(t);
            const response = await t.request(
              request(operation, fillPath(operation), plainBody(operation), authorization()),
            );
            expect(contractViolations(operation, response)).toEqual([]);
            expect(response.statusCode).toBe(401);
            expect(response.headers['www-authenticate']).toMatch(INVALID_TOKEN_CHALLENGE);
            expect(await tableState(t)).toEqual(before);
          });
        });
    },
  );
});
