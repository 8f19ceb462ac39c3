import type { LightMyRequestResponse } from 'fastify';

/** An RFC 9457 problem details body, as the API answers every error outside the token endpoints. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: { field: string; message: string }[];
}

/** RFC 6750 §3: a token was sent and refused; error_description may hold no '"' or '\'. */
export const INVALID_TOKEN_CHALLENGE =
  /^Bearer error="invalid_token", error_description="[^"\\]+"$/;

/** The fields of a User body, sorted. */
export const USER_KEYS = [
  'created_at',
  'email',
  'email_verified',
  'first_name',
  'id',
  'is_active',
  'is_superuser',
  'surname',
];

/** Checks the status code: `status` itself, or one of a list. */
function expectStatus(response: LightMyRequestResponse, status: number | number[]): void {
  if (Array.isArray(status)) expect(status).toContain(response.statusCode);
  else expect(response.statusCode).toBe(status);
}

/** Checks status, problem+json content type, a body matching `body`, and no `leaks` in its text. */
export function expectProblemJson(
  response: LightMyRequestResponse,
  status: number | number[],
  body: object,
  leaks?: RegExp,
): ProblemBody {
  expectStatus(response, status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  if (leaks) expect(response.body).not.toMatch(leaks);
  const problem = response.json<ProblemBody>();
  expect(problem).toMatchObject(body);
  return problem;
}

/** Checks an RFC 9457 problem with type, title, status and detail, and no `leaks` in its text. */
export function expectProblemDetails(
  response: LightMyRequestResponse,
  status: number | number[],
  leaks: RegExp,
): ProblemBody {
  return expectProblemJson(
    response,
    status,
    {
      type: expect.any(String),
      title: expect.any(String),
      status: response.statusCode,
      detail: expect.any(String),
    },
    leaks,
  );
}

/** Checks an RFC 6749 §5.2 token error: status, JSON, no-store, { error, error_description }. */
export function expectOAuthError(
  response: LightMyRequestResponse,
  error: string,
  { status = 400, description }: { status?: number; description?: RegExp } = {},
): void {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.json()).toEqual({
    error,
    error_description: description ? expect.stringMatching(description) : expect.any(String),
  });
}

/** Internals that must never reach a client: driver, ORM and library names, stack frames. */
export const LEAKS =
  /SQLITE|QueryFailedError|TypeORM|at Object\.|\bat .+\(.+:\d+:\d+\)|node_modules|\.ts:\d+|\.js:\d+|RangeError|busboy|Maximum call stack/i;

/**
 * An RFC 9457 problem of `status` with our own title and detail, nothing internal in its text and
 * well-formed `errors`; of type `urn:recipe-api:problem:<type>` when `type` is given.
 */
export function expectProblem(
  response: LightMyRequestResponse,
  status: number,
  type?: string,
): ProblemBody {
  const problem = expectProblemDetails(response, status, LEAKS);
  if (type !== undefined) expect(problem.type).toBe(`urn:recipe-api:problem:${type}`);
  for (const error of problem.errors ?? [])
    expect(error).toEqual({ field: expect.any(String), message: expect.any(String) });
  return problem;
}

/** A 400 validation problem that names `field` (with a message matching `message`). */
export function expectFieldError(
  response: LightMyRequestResponse,
  field: string,
  message: RegExp = /./,
): ProblemBody {
  const problem = expectProblem(response, 400, 'validation-failed');
  expect(problem.errors).toEqual(
    expect.arrayContaining([{ field, message: expect.stringMatching(message) }]),
  );
  return problem;
}

/** A bearer token was sent and refused: 401 invalid-token with its RFC 6750 challenge. */
export function expectInvalidToken(response: LightMyRequestResponse): void {
  expectProblem(response, 401, 'invalid-token');
  expect(response.headers['www-authenticate']).toMatch(INVALID_TOKEN_CHALLENGE);
}

/** A valid token without the route's scope: 403 whose challenge names `scope`. */
export function expectMissingScope(response: LightMyRequestResponse, scope: string): void {
  expectProblem(response, 403, 'insufficient-scope');
  expect(response.headers['www-authenticate']).toMatch(
    new RegExp(`^Bearer error="insufficient_scope", scope="${scope}"`),
  );
}

/** A mailed token (reset or verification link) that does not work: one 400 on the field `token`. */
export function expectBadMailedToken(response: LightMyRequestResponse): void {
  expectProblemJson(response, 400, {
    type: 'urn:recipe-api:problem:validation-failed',
    status: 400,
    errors: [{ field: 'token', message: expect.stringContaining('invalid') }],
  });
}
