import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from './errors/domain.error.js';

// No DTO nests this deep; a deeper value would only exhaust the stack of whatever converts it.
const MAX_DEPTH = 32;

// With the u flag a valid surrogate pair is one code point, so only a lone surrogate matches.
const LONE_SURROGATE = /\p{Surrogate}/u;

interface FieldProblem {
  field: string;
  message: string;
}

function checkText(text: string, field: string): FieldProblem | undefined {
  // PostgreSQL cannot store NUL; a lone surrogate cannot be encoded as UTF-8 and is stored corrupted.
  if (text.includes('\u0000')) return { field, message: 'must not contain NUL characters' };
  if (LONE_SURROGATE.test(text))
    return { field, message: 'must be well-formed Unicode (no lone surrogates)' };
  return undefined;
}

/** The first string (value or key) that nobody types or that nests too deep, as a field error. */
export function findUnacceptable(value: unknown, field = '', depth = 0): FieldProblem | undefined {
  if (typeof value === 'string') return checkText(value, field);
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH)
    return { field, message: `must not nest deeper than ${MAX_DEPTH} levels` };
  for (const [key, child] of Object.entries(value)) {
    const path = field ? `${field}.${key}` : key;
    const found = checkText(key, path) ?? findUnacceptable(child, path, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Fastify preValidation hook: path parameters, query and body of every request are screened
 * here, once, after parsing and before anything (guards, strategies, pipes) converts them.
 */
export function screenInput(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: (error?: Error) => void,
): void {
  const problem =
    findUnacceptable(request.params) ??
    findUnacceptable(request.query) ??
    findUnacceptable(request.body);
  done(problem && new ValidationError([{ ...problem, field: problem.field || 'body' }]));
}
