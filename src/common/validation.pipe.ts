import { ArgumentMetadata, Injectable, ValidationPipe, type ValidationError as ClassValidatorError } from '@nestjs/common';
import { ValidationError } from './errors/domain.error.js';

// No DTO nests this deep; a deeper body would only exhaust the stack of the checks below.
const MAX_DEPTH = 32;

function flatten(errors: ClassValidatorError[], parent = ''): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** The first value that PostgreSQL could not store or that nests too deep, as a field error. */
function findUnacceptable(value: unknown, path: string, depth = 0): { field: string; message: string } | undefined {
  if (typeof value === 'string') {
    return value.includes('\u0000') ? { field: path, message: 'must not contain NUL characters' } : undefined;
  }
  if (value && typeof value === 'object') {
    if (depth >= MAX_DEPTH) return { field: path, message: `must not nest deeper than ${MAX_DEPTH} levels` };
    for (const [key, child] of Object.entries(value)) {
      const found = findUnacceptable(child, path ? `${path}.${key}` : key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Whitelists and transforms DTOs, answers the contract's `errors: [{field, message}]`, and
 * refuses NUL characters anywhere (PostgreSQL cannot store them; nobody types them).
 */
@Injectable()
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      transform: true,
      forbidUnknownValues: true,
      exceptionFactory: (errors) => new ValidationError(flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const problem = findUnacceptable(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
      if (problem) throw new ValidationError([{ ...problem, field: problem.field || metadata.type }]);
    }
    return super.transform(value, metadata);
  }

  // Path ids stay strings for ParseIdPipe: Number('1e3') would make /recipes/1e3 mean /recipes/1000.
  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'param' ? value : super.transformPrimitive(value, metadata);
  }
}
