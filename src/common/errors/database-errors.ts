import { CannotExecuteNotConnectedError, ConnectionIsNotSetError, QueryFailedError } from 'typeorm';

// SQLite's and PostgreSQL's codes for the same constraint failures.
const CODES = {
  unique: ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505'],
  foreignKey: ['SQLITE_CONSTRAINT_FOREIGNKEY', '23503'],
};

export function isConstraintViolation(error: unknown, kind: keyof typeof CODES): boolean {
  const code = (error as { driverError?: { code?: string } }).driverError?.code;
  return error instanceof QueryFailedError && CODES[kind].includes(code ?? '');
}

// PostgreSQL: connection exceptions (08), out of resources (53), shutting down or starting up
// (57P01–57P03), statement timeout (57014); SQLite: locked past busy_timeout, I/O failures.
const UNAVAILABLE_CODES = /^(08...|53...|57P0[1-3]|57014|SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN)\w*)$/;
// Refusals while connecting: no such database, refused login, connections not allowed.
const REFUSED_CONNECT_CODES = /^(3D000|28000|28P01|55000)$/;
const NETWORK_CODES =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)$/;
// node-postgres, better-sqlite3 and TypeORM (a destroyed DataSource) raise these without a code.
const DRIVER_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Cannot use a pool after calling end|The database connection is not open|Driver not Connected)/;

/**
 * Whether an error says the database cannot serve right now (unreachable, restarting, overloaded,
 * closed), not that the request was wrong: such requests are answered 503 and may be retried.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof CannotExecuteNotConnectedError || error instanceof ConnectionIsNotSetError)
    return true;
  const cause: unknown = error instanceof QueryFailedError ? error.driverError : error;
  if (!(cause instanceof Error)) return false;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string') {
    // TypeORM wraps only errors of a query; an unwrapped server error came from connecting.
    const connecting = !(error instanceof QueryFailedError) && REFUSED_CONNECT_CODES.test(code);
    return UNAVAILABLE_CODES.test(code) || NETWORK_CODES.test(code) || connecting;
  }
  return DRIVER_MESSAGES.test(cause.message);
}
