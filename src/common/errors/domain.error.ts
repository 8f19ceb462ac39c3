/**
 * A rule a service refuses to break, with a stable code. The problem-details filter maps it
 * to HTTP (the code becomes the problem `type`), the token endpoints' filter to RFC 6749's
 * `error`: services never build responses.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: { field: string; message: string }[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super(404, 'not-found', `${what} was not found.`);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

export class ValidationError extends DomainError {
  constructor(errors: { field: string; message: string }[]) {
    super(400, 'validation-failed', 'The request is not valid; see errors.', errors);
  }
}

/** 401: no usable bearer token (RFC 6750 §3). `invalid` says a token was sent and refused. */
export class UnauthenticatedError extends DomainError {
  constructor(
    message: string,
    readonly invalidToken = false,
  ) {
    super(401, invalidToken ? 'invalid-token' : 'unauthenticated', message);
  }
}

/** 403 with `WWW-Authenticate: Bearer error="insufficient_scope"` (RFC 6750 §3.1). */
export class InsufficientScopeError extends DomainError {
  constructor(readonly scope: string) {
    super(403, 'insufficient-scope', `This operation needs the ${scope} scope.`);
  }
}

/**
 * 401 with `WWW-Authenticate: Bearer error="insufficient_user_authentication"` (RFC 9470 §3): the
 * token is fine but its authentication (`auth_time`) is older than `maxAgeSeconds`.
 */
export class InsufficientUserAuthenticationError extends DomainError {
  constructor(readonly maxAgeSeconds: number) {
    super(
      401,
      'insufficient-user-authentication',
      'This operation needs a recent login: sign in again and retry.',
    );
  }
}

/** 429: a limit was reached; the filter sends `Retry-After` (RFC 9110 §10.2.3) from it. */
export class TooManyRequestsError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests: slow down and try again later.',
  ) {
    super(429, 'too-many-requests', message);
  }
}

/** RFC 6749 §5.2 error of a token endpoint: the code is OAuth's `error` (its filter answers 400). */
export class OAuthError extends DomainError {
  constructor(
    code: 'invalid_request' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope',
    message: string,
  ) {
    super(400, code, message);
  }
}
