import { DomainError } from '../common/errors/domain.error.js';

/**
 * The password was right and the account has a second factor: 400 `mfa_required` in RFC 6749
 * §5.2's shape, with the `mfa_token` that POST /auth/login/mfa takes with the code.
 */
export class MfaRequiredError extends DomainError {
  constructor(readonly mfaToken: string) {
    super(
      400,
      'mfa_required',
      'This account has a second factor: send the mfa_token with a code to /auth/login/mfa.',
    );
  }
}
