import { Injectable, PipeTransform } from '@nestjs/common';
import { NotFoundError, ValidationError } from './errors/domain.error.js';

/** The largest id any table holds: PostgreSQL's `integer` (int4); a bigger parameter is an error there. */
export const MAX_ID = 2 ** 31 - 1;

/** Path ids: not a whole number → 400; beyond any id the database can hold → 404. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^\d+$/.test(value)) {
      throw new ValidationError([{ field: 'id', message: 'id must be a positive whole number' }]);
    }
    const id = Number(value);
    if (id < 1 || id > MAX_ID) throw new NotFoundError('This resource');
    return id;
  }
}
