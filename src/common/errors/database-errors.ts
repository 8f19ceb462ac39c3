import { QueryFailedError } from 'typeorm';

// SQLite's and PostgreSQL's codes for the same constraint failures.
const CODES = {
  unique: ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505'],
  foreignKey: ['SQLITE_CONSTRAINT_FOREIGNKEY', '23503'],
};

export function isConstraintViolation(error: unknown, kind: keyof typeof CODES): boolean {
  const code = (error as { driverError?: { code?: string } }).driverError?.code;
  return error instanceof QueryFailedError && CODES[kind].includes(code ?? '');
}
