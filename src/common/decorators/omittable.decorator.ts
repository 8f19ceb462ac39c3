import { ValidateIf } from 'class-validator';

/**
 * May be left out, but a value sent (`null` included) is validated: unlike @IsOptional(), which
 * lets null through to a NOT NULL column, a 500 instead of a 400.
 */
export const IsOmittable = () => ValidateIf((_dto: unknown, value: unknown) => value !== undefined);
