import { ApiParam } from '@nestjs/swagger';
import { MAX_ID } from './parse-id.pipe.js';

/**
 * Documents a numeric `:id` read by ParseIdPipe. The example is 1, the first row a fresh database
 * gets, so Swagger UI's "Try it out" names one that exists once it has been created.
 */
export const ApiIdParam = (description: string) =>
  ApiParam({
    name: 'id',
    description,
    schema: { type: 'integer', minimum: 1, maximum: MAX_ID, example: 1 },
  });
