import type { components } from './schema.js';

/** An RFC 9457 problem details body: every error except the token endpoints'. */
export type Problem = components['schemas']['ProblemDto'];
/** One entry of a problem's `errors`: which request field was refused, and why. */
export type FieldError = components['schemas']['FieldErrorDto'];
/** An RFC 6749 §5.2 body: the errors of `POST /auth/login` and `POST /auth/refresh`. */
export type OAuthErrorBody = components['schemas']['OAuthErrorDto'];

/** Any answer of the API that is not a success; `body` is what the server sent (parsed if JSON). */
export class RecipeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
    readonly response?: Response,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** An `application/problem+json` answer (validation, 401, 403, 404, 409, 413, 415, 429, 503, …). */
export class ProblemError extends RecipeApiError {
  constructor(
    readonly problem: Problem,
    response?: Response,
  ) {
    super(problem.detail, problem.status, problem, response);
  }

  /** The refused fields of a validation failure (400); empty for other problems. */
  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? [];
  }
}

/**
 * A token endpoint's refusal: `invalid_grant` (wrong email or password, a dead refresh token),
 * `invalid_request`, `unsupported_grant_type`, `invalid_scope`. A failed refresh, including the
 * one the client runs on its own after a 401, is this error.
 */
export class OAuthError extends RecipeApiError {
  readonly error: string;
  readonly errorDescription: string;
  /** With `error: 'mfa_required'`: the ticket for `loginWithSecondFactor()`. */
  readonly mfaToken?: string;

  constructor(body: OAuthErrorBody & { mfa_token?: string }, status: number, response?: Response) {
    super(body.error_description, status, body, response);
    this.error = body.error;
    this.errorDescription = body.error_description;
    this.mfaToken = body.mfa_token;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** The API's own error shapes, told apart by their fields. */
export function isProblem(body: unknown): body is Problem {
  return isObject(body) && typeof body.type === 'string' && typeof body.status === 'number';
}

export function isOAuthErrorBody(body: unknown): body is OAuthErrorBody {
  return isObject(body) && typeof body.error === 'string';
}

/** The typed error for a failed answer and its parsed body. */
export function toError(response: Response, body: unknown): RecipeApiError {
  if (isProblem(body)) return new ProblemError(body, response);
  if (isOAuthErrorBody(body)) {
    const { mfa_token } = body as { mfa_token?: unknown };
    return new OAuthError(
      {
        error: body.error,
        error_description: body.error_description ?? '',
        mfa_token: typeof mfa_token === 'string' ? mfa_token : undefined,
      },
      response.status,
      response,
    );
  }
  return new RecipeApiError(`HTTP ${response.status}`, response.status, body, response);
}
