import { STATUS_CODES } from 'node:http';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** One invalid field of a 400: which, and what is wrong with it. */
export class FieldErrorDto {
  // Declared for Swagger here: the CLI plugin reads *.dto.ts files only.
  @ApiProperty({ description: 'The field, as named in the request.', example: 'email' })
  field: string;
  @ApiProperty({ example: 'email must be an email' })
  message: string;
}

/** RFC 9457 problem details: the body of every error outside the token endpoints. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:recipe-api:problem:validation-failed' })
  type: string;
  @ApiProperty({ example: 'Bad Request' })
  title: string;
  @ApiProperty({ type: 'integer', example: 400 })
  status: number;
  @ApiProperty({ example: 'The request is not valid; see errors.' })
  detail: string;
  @ApiPropertyOptional({ example: '/api/v1/recipes' })
  instance?: string;
  @ApiPropertyOptional({
    type: [FieldErrorDto],
    description: 'On 400: every invalid field.',
    example: [{ field: 'email', message: 'email must be an email' }],
  })
  errors?: FieldErrorDto[];
}

const DETAILS: Record<number, { type: string; detail: string }> = {
  400: { type: 'validation-failed', detail: 'The request is not valid; see errors.' },
  401: { type: 'unauthenticated', detail: 'This operation needs a bearer access token.' },
  403: { type: 'forbidden', detail: 'You may not do this.' },
  404: { type: 'not-found', detail: 'Recipe was not found.' },
  409: { type: 'email-taken', detail: 'An account with this email address already exists.' },
};

/** Documents the problem-details answers an operation can give, with an example each. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: STATUS_CODES[status],
        content: {
          'application/problem+json': {
            schema: { $ref: '#/components/schemas/ProblemDto' },
            example: {
              type: `urn:recipe-api:problem:${DETAILS[status]?.type ?? 'error'}`,
              title: STATUS_CODES[status],
              status,
              detail: DETAILS[status]?.detail ?? STATUS_CODES[status],
            },
          },
        },
      }),
    ),
  );
