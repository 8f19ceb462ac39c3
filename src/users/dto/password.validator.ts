import { dictionary } from '@zxcvbn-ts/language-common';
import { applyDecorators } from '@nestjs/common';
import { IsString, Length, ValidateBy } from 'class-validator';

// zxcvbn-ts's list of the ~50,000 most common passwords, compared case-insensitively.
const commonPasswords = new Set(dictionary['passwords-common']);

const isCommon = (password: string) => commonPasswords.has(password.toLowerCase());

/** Why a password breaks the contract's policy (for passwords that come from elsewhere than a DTO). */
export function passwordPolicyProblem(password: string): string | undefined {
  if (password.length < 8 || password.length > 128) return 'must be 8 to 128 characters long';
  if (isCommon(password)) return 'is too common; choose another one';
  return undefined;
}

/** The contract's password policy: 8–128 characters, used as given, not a common password. */
export const IsAcceptablePassword = () =>
  applyDecorators(
    IsString(),
    Length(8, 128, { message: '$property must be 8 to 128 characters long' }),
    ValidateBy({
      name: 'isNotCommonPassword',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && !isCommon(value),
        defaultMessage: () => 'this password is too common; choose another one',
      },
    }),
  );
