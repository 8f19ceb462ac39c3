import { dictionary } from '@zxcvbn-ts/language-common';
import { applyDecorators } from '@nestjs/common';
import { IsString, Length, ValidateBy } from 'class-validator';

// zxcvbn-ts's list of the ~50,000 most common passwords, compared case-insensitively.
const commonPasswords = new Set(dictionary['passwords-common']);

/** The contract's password policy: 8–128 characters, used as given, not a common password. */
export const IsAcceptablePassword = () =>
  applyDecorators(
    IsString(),
    Length(8, 128, { message: '$property must be 8 to 128 characters long' }),
    ValidateBy({
      name: 'isNotCommonPassword',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && !commonPasswords.has(value.toLowerCase()),
        defaultMessage: () => 'this password is too common; choose another one',
      },
    }),
  );
