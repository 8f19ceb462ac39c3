import { dictionary } from '@zxcvbn-ts/language-common';
import { applyDecorators } from '@nestjs/common';
import { IsString, Length, ValidateBy } from 'class-validator';
import { ValidationError } from '../../common/errors/domain.error.js';

// zxcvbn-ts's list of the ~50,000 most common passwords, compared case-insensitively.
const commonPasswords = new Set(dictionary['passwords-common']);

const isCommon = (password: string) => commonPasswords.has(password.toLowerCase());

/** What anyone who targets an account knows of it: the words a guesser tries first. */
export interface PasswordContext {
  email?: string | null;
  firstName?: string | null;
  surname?: string | null;
}

// Shorter parts ("li", "ann") occur inside too many good passphrases to refuse them.
const MIN_CONTEXT_WORD = 4;

/** NIST SP 800-63B §5.1.1.2 context-specific words: the email, its local part, the names. */
function containsContext(
  password: string,
  { email, firstName, surname }: PasswordContext,
): boolean {
  const lower = password.toLowerCase();
  return [email, email?.split('@')[0], firstName, surname]
    .map((word) => word?.trim().toLowerCase() ?? '')
    .some((word) => word.length >= MIN_CONTEXT_WORD && lower.includes(word));
}

const CONTEXT_MESSAGE = 'this password contains your email address or name; choose another one';

/** Why a password breaks the contract's policy (for passwords that come from elsewhere than a DTO). */
export function passwordPolicyProblem(
  password: string,
  context: PasswordContext = {},
): string | undefined {
  if (password.length < 8 || password.length > 128) return 'must be 8 to 128 characters long';
  if (isCommon(password)) return 'is too common; choose another one';
  if (containsContext(password, context)) return 'must not contain the email address or a name';
  return undefined;
}

/** 400 on `field` when the new password holds the account's email or names (checked against the stored account). */
export function assertNoContextWords(
  password: string,
  account: PasswordContext,
  field: string,
): void {
  if (containsContext(password, account))
    throw new ValidationError([{ field, message: CONTEXT_MESSAGE }]);
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

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Refuses a password holding the `email`, `first_name` or `surname` sent beside it (signup). */
export const HasNoContextWords = () =>
  ValidateBy({
    name: 'hasNoContextWords',
    validator: {
      validate: (value: unknown, args) => {
        const sent = (args?.object ?? {}) as Record<string, unknown>;
        const context = {
          email: text(sent.email),
          firstName: text(sent.first_name),
          surname: text(sent.surname),
        };
        return typeof value !== 'string' || !containsContext(value, context);
      },
      defaultMessage: () => CONTEXT_MESSAGE,
    },
  });
