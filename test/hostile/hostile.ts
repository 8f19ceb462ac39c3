import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { OpenAPIObject } from '@nestjs/swagger';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../helpers/app.js';
import { newEmail, type TestUser } from '../helpers/factories.js';

// A stack frame, driver, ORM or library text: none of it may reach a client, in any status.
export const LEAKS =
  /\bat .*\(.*:\d+:\d+\)|\bat (?:file|node):|SQLITE_|QueryFailedError|EntityNotFound|syntax error at or near|invalid input syntax|violates .* constraint|TypeORM|class-transformer|class-validator|FST_ERR|node_modules|RangeError|TypeError|Maximum call stack|busboy|\.[jt]s:\d+/;

/** fast-check's seed for this run: HOSTILE_SEED replays a failure, otherwise a fresh one. */
export const SEED = Number(process.env.HOSTILE_SEED ?? randomBytes(4).readInt32LE());
/** Generated requests per operation and input (HOSTILE_RUNS raises it for a longer hunt). */
export const RUNS = Number(process.env.HOSTILE_RUNS ?? 30);

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  nullable?: boolean;
  example?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
};

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  /** `POST /api/v1/recipes` */
  name: string;
  method: string;
  path: string;
  parameters: Parameter[];
  /** Media types of the request body with its (resolved) schema; empty without a body. */
  consumes: [string, Schema][];
  /** Needs a bearer token (bearer or oauth2 security). */
  secured: boolean;
  /** Its documented errors are RFC 6749 token errors, not problem details. */
  oauthErrors: boolean;
}

/** Every operation of the document, its `$ref`s resolved against components.schemas. */
export function operationsOf(doc: OpenAPIObject): Operation[] {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  const resolve = (schema: Schema | undefined, seen = new Set<string>()): Schema => {
    if (!schema) return {};
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      if (seen.has(name)) return { type: 'object' };
      return resolve(schemas[name], new Set([...seen, name]));
    }
    return {
      ...schema,
      ...(schema.items && { items: resolve(schema.items, seen) }),
      ...(schema.properties && {
        properties: Object.fromEntries(
          Object.entries(schema.properties).map(([key, value]) => [key, resolve(value, seen)]),
        ),
      }),
    };
  };
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, any>).map(([method, op]): Operation => {
      const security = (op.security ?? []) as Record<string, string[]>[];
      const errors = Object.entries(op.responses as Record<string, any>).filter(([status]) =>
        /^4\d\d$/.test(status),
      );
      return {
        name: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters: ((op.parameters ?? []) as Parameter[]).map((p) => ({
          ...p,
          schema: resolve(p.schema),
        })),
        consumes: Object.entries(
          (op.requestBody?.content ?? {}) as Record<string, { schema?: Schema }>,
        ).map(([type, media]) => [type, resolve(media.schema)]),
        secured: security.some((r) => 'bearer' in r || 'oauth2' in r),
        oauthErrors: errors.some(([, response]) =>
          JSON.stringify(response.content?.['application/json']?.schema ?? {}).includes(
            'OAuthErrorDto',
          ),
        ),
      };
    }),
  );
}

// ---------------------------------------------------------------- values

/** JSON text sent as it is: nesting this deep would overflow the stack of JSON.stringify here. */
class DeepJson {
  readonly text: string;
  constructor(
    readonly depth: number,
    array: boolean,
  ) {
    this.text = array
      ? `${'['.repeat(depth)}${']'.repeat(depth)}`
      : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  }
  [fc.toStringMethod](): string {
    return `<${this.depth} levels: ${this.text.slice(0, 10)}…>`;
  }
}

const json = (value: unknown): string =>
  value instanceof DeepJson ? value.text : JSON.stringify(value);

/** Strings that have broken parsers, databases, renderers and JavaScript objects before. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'lone \ud800 x',
  '\udfff\ud800',
  '\u202egnp.exe',
  'zero\u200bwidth',
  '\ufeffbom',
  '👩‍🍳🍝🇮🇹',
  'مرحبا بالعالم',
  '１２３',
  'Ⅻ',
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '1 UNION SELECT hashed_password FROM users --',
  '" OR ""="',
  "\\'",
  '%',
  '_',
  '%_%',
  '*',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '../../../../etc/passwd',
  '${7*7}',
  '{{7*7}}',
  '%s%s%s%n',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  'true',
  '[]',
  '{}',
  '\r\nSet-Cookie: evil=1',
  'x'.repeat(257),
  'é'.repeat(2049),
];

const NUMERIC_STRINGS = [
  '0',
  '-1',
  '-0',
  '1.5',
  '1e3',
  '1e400',
  '0x1f',
  '+1',
  ' 1',
  '1 ',
  '01',
  '1_000',
  '２',
  '2147483648',
  '9007199254740993',
  '18446744073709551616',
  '9'.repeat(150),
];

const HOSTILE_NUMBERS = [
  0,
  -0,
  -1,
  1.5,
  -1.5,
  0.1,
  5e-324,
  1e-7,
  1e21,
  1e308,
  -1e308,
  2 ** 31,
  2 ** 31 - 1,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  2 ** 63,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
];

const unpairedSurrogate = fc
  .integer({ min: 0xd800, max: 0xdfff })
  .map((c) => String.fromCharCode(c));

/** A string nobody means: nasty constants, control characters, any code point, lone surrogates. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS, ...NUMERIC_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.oneof(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
        unpairedSurrogate,
      ),
      maxLength: 20,
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(1_000, 10_000, 60_000), fc.constantFrom('x', 'é', '😀', '\u0000', '%'))
      .map(([n, unit]) => unit.repeat(n)),
  },
);

/** A value of any JSON type that the schema does not ask for, or that is wrong in a subtle way. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...HOSTILE_NUMBERS) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      true,
      false,
      null,
      [],
      {},
      [[]],
      { $ne: null },
      { $gt: '' },
    ),
  },
  { weight: 1, arbitrary: fc.array(hostileString, { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(33, 100, 1_000, 2_000, 5_000), fc.boolean())
      .map(([depth, array]) => new DeepJson(depth, array)),
  },
);

/** A value that the schema accepts, so hostile siblings reach the handler's logic. */
export function validValue(schema: Schema, name = ''): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const examples = schema.example === undefined ? [] : [fc.constant(schema.example)];
  switch (schema.type) {
    case 'boolean':
      return fc.boolean();
    case 'number':
    case 'integer':
      return fc.oneof(
        ...examples,
        fc.integer({
          min: schema.minimum ?? 1,
          max: Math.min(schema.maximum ?? 1_000, 2 ** 31 - 1),
        }),
      );
    case 'array':
      return fc.array(validValue(schema.items ?? {}), { maxLength: 3 });
    case 'object':
      return fc.record(
        Object.fromEntries(
          Object.entries(schema.properties ?? {}).map(([key, value]) => [
            key,
            validValue(value, key),
          ]),
        ),
      );
    default: {
      if (schema.format === 'email' || name === 'email' || name === 'username')
        return fc.oneof(
          ...examples,
          fc.uuid().map((id) => `hostile-${id.slice(0, 8)}@example.com`),
        );
      if (schema.format === 'uri') return fc.constant('https://www.example.com/recipes/1');
      const minLength = Math.max(schema.minLength ?? 0, /password/.test(name) ? 12 : 0);
      const maxLength = Math.min(schema.maxLength ?? 64, 64);
      return fc.oneof(...examples, fc.string({ unit: 'grapheme', minLength, maxLength }));
    }
  }
}

/** Property names a client should not be able to set, and JavaScript's own. */
const EXTRA_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'is_superuser',
  'is_active',
  'email_verified',
  'id',
  'submitter_id',
  'user_id',
  'hashed_password',
  'created_at',
  '$where',
  '',
];

export type Fields = [string, unknown][];

/**
 * A body for `schema`: every property valid but one (hostile, missing or sent twice), or each
 * property valid, hostile or missing at random; sometimes with extra properties.
 */
export function hostileFields(schema: Schema): fc.Arbitrary<Fields> {
  const properties = Object.entries(schema.properties ?? {});
  const valid = properties.map(([key, property]) =>
    validValue(property, key).map((value): Fields => [[key, value]]),
  );
  const spoiled = ([key, property]: [string, Schema]) =>
    fc.oneof(
      { weight: 3, arbitrary: hostileValue.map((value): Fields => [[key, value]]) },
      { weight: 1, arbitrary: fc.constant<Fields>([]) },
      // The same key twice: the parser decides which one counts.
      {
        weight: 1,
        arbitrary: fc.tuple(validValue(property, key), hostileValue).map(([a, b]): Fields => [
          [key, a],
          [key, b],
        ]),
      },
    );
  const oneSpoiled =
    properties.length === 0
      ? fc.constant<Fields[]>([])
      : fc
          .integer({ min: 0, max: properties.length - 1 })
          .chain((index) =>
            fc.tuple(
              ...properties.map((property, i) => (i === index ? spoiled(property) : valid[i]!)),
            ),
          );
  const anySpoiled = fc.tuple(
    ...properties.map((property, i) => fc.oneof(valid[i]!, spoiled(property))),
  );
  const extras = fc.array(
    fc.tuple(fc.oneof(fc.constantFrom(...EXTRA_KEYS), hostileString), hostileValue),
    { maxLength: 3 },
  );
  return fc
    .tuple(fc.oneof(oneSpoiled, anySpoiled, fc.tuple(...valid)), extras)
    .map(([fields, extra]) => [...fields.flat(), ...extra]);
}

// ---------------------------------------------------------------- encodings

/** A JSON object in text, keeping `__proto__` keys and duplicates as they are. */
export function jsonText(fields: Fields): string {
  return `{${fields.map(([key, value]) => `${JSON.stringify(key)}:${json(value)}`).join(',')}}`;
}

/** Percent-encodes the UTF-8 bytes of `text` (a lone surrogate becomes U+FFFD, as on the wire). */
export function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

const formValue = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)))
    : [typeof value === 'string' ? value : (json(value) ?? '')];

export function urlencoded(fields: Fields): string {
  return fields
    .flatMap(([key, value]) =>
      formValue(value).map((v) => `${percentEncode(key)}=${percentEncode(v)}`),
    )
    .join('&');
}

export function multipart(fields: Fields, boundary: string): Buffer {
  const parts = fields.flatMap(([key, value]) =>
    formValue(value).map(
      (v) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${key.replace(/["\r\n]/g, '_')}"\r\n\r\n${v}\r\n`,
    ),
  );
  return Buffer.from(`${parts.join('')}--${boundary}--\r\n`);
}

export interface Body {
  contentType?: string;
  payload: string | Buffer;
}

const BOUNDARY = 'hostile-boundary-7MA4YWxkTrZu0gW';

/** A well-formed body of `type` carrying hostile fields. */
export function encode(type: string, fields: Fields): Body {
  if (type === 'application/x-www-form-urlencoded')
    return { contentType: type, payload: urlencoded(fields) };
  if (type === 'multipart/form-data')
    return { contentType: `${type}; boundary=${BOUNDARY}`, payload: multipart(fields, BOUNDARY) };
  return { contentType: type, payload: jsonText(fields) };
}

/** Broken bodies of `type`: truncated, not the declared syntax, bad bytes, wrong shape. */
export function malformed(type: string): fc.Arbitrary<Body> {
  const bad = (payloads: (string | Buffer)[], contentType = type) =>
    fc.constantFrom(...payloads).map((payload): Body => ({ contentType, payload }));
  if (type === 'application/x-www-form-urlencoded')
    return bad([
      '%',
      '%zz=1',
      'a=%ff%fe',
      '=&=&&=',
      'a',
      '__proto__[is_superuser]=true',
      'constructor[prototype][x]=1',
      `a=${'%'.repeat(5000)}`,
      Buffer.from([0xff, 0xfe, 0x3d, 0x00]),
    ]);
  if (type === 'multipart/form-data')
    return fc.oneof(
      bad(
        [
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nno closing boundary`,
          `--other\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--other--\r\n`,
          `--${BOUNDARY}\r\nno header colon\r\n\r\nx\r\n--${BOUNDARY}--\r\n`,
          `--${BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--${BOUNDARY}--\r\n`,
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\na file\r\n--${BOUNDARY}--\r\n`,
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${'n'.repeat(10_000)}"\r\n\r\nx\r\n--${BOUNDARY}--\r\n`,
          '',
        ],
        `${type}; boundary=${BOUNDARY}`,
      ),
      bad(['a=1'], type),
      bad(['a=1'], `${type}; boundary=`),
    );
  return bad([
    '',
    '{',
    '{"a":',
    '{"a":1,}',
    "{'a':1}",
    '{"a":1}{"b":2}',
    '\ufeff{}',
    '[]',
    'null',
    '"a string"',
    '42',
    'true',
    '{"a":"\\ud800"}',
    '{"a":"\\u0000"}',
    '{"__proto__":{"is_superuser":true}}',
    '{"constructor":{"prototype":{"is_superuser":true}}}',
    `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
    `${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}`,
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    Buffer.from('{"a":"x"}', 'utf16le'),
  ]);
}

/** Content types the operation does not take (or none at all). */
export const WRONG_CONTENT_TYPES = [
  'text/plain',
  'text/html',
  'application/xml',
  'application/octet-stream',
  'image/png',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/mixed; boundary=x',
  'application/jsonx',
  'json',
  '*/*',
];

// ---------------------------------------------------------------- URLs

/** Path segments no route expects, already in URL form (some deliberately badly encoded). */
const RAW_PATH_VALUES = [
  '%ff',
  '%',
  '%zz',
  '%00',
  '%2F',
  '%2e%2e%2f%2e%2e',
  '..',
  '.',
  ';',
  '..;',
  '%c0%af',
  '%e2%80%ae1',
  '%uD800',
  '%ED%A0%80',
];

// A plain small id could name the fixtures the other attacks rely on.
const isSmallId = (value: string) =>
  /^\d+$/.test(value) && Number(value) > 0 && Number(value) < 10_000_000;

/** A hostile path parameter: never the id of a row the suite made. */
export const hostilePathValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...RAW_PATH_VALUES) },
  {
    weight: 4,
    arbitrary: fc
      .oneof(
        hostileString.filter((s) => s.length <= 10_000),
        fc.constantFrom(...NUMERIC_STRINGS, '010000000'),
      )
      .filter((s) => !isSmallId(s))
      .map(percentEncode),
  },
  { weight: 1, arbitrary: fc.integer({ min: 10_000_000, max: 2 ** 31 - 1 }).map(String) },
  { weight: 1, arbitrary: fc.uuid().map(String) },
  { weight: 1, arbitrary: fc.constantFrom(1_000, 10_000).map((n) => '7'.repeat(n)) },
);

/** A query string: documented parameters valid, hostile, repeated or left out, plus extra ones. */
export function hostileQuery(parameters: Parameter[]): fc.Arbitrary<string> {
  const query = parameters.filter((p) => p.in === 'query');
  const value = fc.oneof(
    { weight: 3, arbitrary: hostileString.map(percentEncode) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_PATH_VALUES) },
  );
  const pair = (name: string) =>
    fc.oneof(
      { weight: 2, arbitrary: value.map((v) => [`${name}=${v}`]) },
      {
        weight: 1,
        arbitrary: fc.tuple(value, value).map(([a, b]) => [`${name}=${a}`, `${name}=${b}`]),
      },
      { weight: 1, arbitrary: value.map((v) => [`${name}[]=${v}`, `${name}[__proto__]=${v}`]) },
      { weight: 1, arbitrary: fc.constant([name]) },
      { weight: 1, arbitrary: fc.constant<string[]>([]) },
    );
  const valid = (p: Parameter) =>
    validValue(p.schema ?? {}, p.name).map((v) => [`${p.name}=${percentEncode(String(v))}`]);
  const extra = fc.array(
    fc.tuple(
      fc.constantFrom(
        'limit',
        'cursor',
        'page',
        'offset',
        'sort',
        '__proto__',
        'constructor',
        '__proto__[x]',
        'a[b][c][d][e][f]',
      ),
      value,
    ),
    { maxLength: 3 },
  );
  return fc
    .tuple(fc.tuple(...query.map((p) => fc.oneof(pair(p.name), valid(p)))), extra)
    .map(([pairs, extras]) =>
      [...pairs.flat(), ...extras.map(([k, v]) => `${percentEncode(k)}=${v}`)].join('&'),
    );
}

/**
 * The operation's path with its parameters filled in; the others name row 1 (the suite's
 * fixtures, so bodies reach the handlers), or for a DELETE a row that does not exist (so the
 * fixtures outlast the attacks on other inputs).
 */
export function fillPath(operation: Operation, values: Record<string, string> = {}): string {
  const fallback = operation.method === 'DELETE' ? String(2 ** 31 - 1) : '1';
  return operation.path.replace(/\{([^}]+)\}/g, (_m, name: string) => values[name] ?? fallback);
}

// ---------------------------------------------------------------- answers

/** What was sent, short enough to read in a failure message. */
export function describeRequest(options: InjectOptions): string {
  const { payload = '', url } = options;
  const body =
    typeof payload === 'string' || Buffer.isBuffer(payload)
      ? payload.toString()
      : '(a stream or object)';
  const headers = JSON.stringify(options.headers ?? {}).replace(/Bearer [\w.-]+/g, 'Bearer …');
  return `${options.method} ${clip(typeof url === 'string' ? url : JSON.stringify(url))} ${clip(headers, 200)} ${clip(JSON.stringify(body), 300)}`;
}

function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/**
 * What every answer must be: no 5xx; a refusal as problem details (or, on the token endpoints,
 * RFC 6749's error), without internals; the security headers. Returns the broken rules.
 */
export function contractViolations(
  operation: Pick<Operation, 'oauthErrors'>,
  response: LightMyRequestResponse,
): string[] {
  const broken: string[] = [];
  const type = String(response.headers['content-type'] ?? '');
  if (response.statusCode >= 500) broken.push(`status ${response.statusCode}`);
  if (response.headers['x-content-type-options'] !== 'nosniff')
    broken.push('no x-content-type-options: nosniff');
  if (LEAKS.test(response.body))
    broken.push(`internals in the body: ${LEAKS.exec(response.body)?.[0]}`);
  if (response.statusCode >= 400) {
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(response.body) as Record<string, unknown>;
    } catch {
      broken.push('a body that is not JSON');
    }
    if (operation.oauthErrors) {
      if (!type.startsWith('application/json'))
        broken.push(`content type ${type || 'none'} (expected application/json)`);
      if (body && (typeof body.error !== 'string' || typeof body.error_description !== 'string'))
        broken.push('not an RFC 6749 error { error, error_description }');
    } else {
      if (!type.startsWith('application/problem+json'))
        broken.push(`content type ${type || 'none'} (expected application/problem+json)`);
      if (
        body &&
        (typeof body.type !== 'string' ||
          typeof body.title !== 'string' ||
          body.status !== response.statusCode ||
          typeof body.detail !== 'string')
      )
        broken.push('not problem details { type, title, status, detail }');
    }
  }
  return broken;
}

export function describeAnswer(response: LightMyRequestResponse): string {
  return `${response.statusCode} ${String(response.headers['content-type'] ?? '')} ${clip(response.body)}`;
}

const TABLES = ['users', 'recipes', 'sessions', 'refresh_tokens', 'one_time_tokens'];

/** Row count and a hash of the rows of every table a request could write. */
export async function tableState(t: TestApp): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  for (const table of TABLES) {
    const rows = await t.sql<unknown[]>(`SELECT * FROM ${table} ORDER BY 1`);
    state[table] =
      `${rows.length} rows, ${createHash('sha256').update(JSON.stringify(rows)).digest('hex').slice(0, 16)}`;
  }
  return state;
}

/** A superuser of its own, with a password no generator produces, logged in with every scope. */
export async function createSuperuser(t: TestApp): Promise<TestUser> {
  const email = newEmail();
  const password = `hostile-${randomUUID()}`;
  const signup = await t.request({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: { email, password },
  });
  if (signup.statusCode !== 201) throw new Error(`signup failed: ${signup.body}`);
  const id = signup.json<{ id: number }>().id;
  await t.sql('UPDATE users SET is_superuser = true WHERE id = ?', [id]);
  const login = await t.request({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: email, password },
  });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.body}`);
  const token = login.json<{ access_token: string }>().access_token;
  return { id, email, password, token, auth: { authorization: `Bearer ${token}` } };
}
