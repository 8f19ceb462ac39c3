import {
  ArgumentMetadata,
  Injectable,
  ValidationPipe,
  type ValidationError as ClassValidatorError,
} from '@nestjs/common';
import { ValidationError } from './errors/domain.error.js';

function flatten(errors: ClassValidatorError[], parent = ''): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Whitelists and transforms DTOs and answers the contract's `errors: [{field, message}]`. What
 * it receives was screened first (input-screening.ts: depth, NUL, lone surrogates).
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

  // Path ids stay strings for ParseIdPipe: Number('1e3') would make /recipes/1e3 mean /recipes/1000.
  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'param' ? value : super.transformPrimitive(value, metadata);
  }
}
