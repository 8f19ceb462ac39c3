import { ValidationError } from '../../common/errors/domain.error.js';
import { assertNoContextWords, passwordPolicyProblem } from './password.validator.js';

describe('password policy', () => {
  const account = { email: 'Ada.L@Example.com', firstName: 'Augusta', surname: 'Lovelace' };

  it('should refuse the email, its local part and the names, in any letter case and anywhere in the password', () => {
    for (const password of [
      'ada.l@example.com',
      'my ADA.L kitchen',
      'augusta 1815 rules',
      'the LOVELACE engine',
    ]) {
      expect(passwordPolicyProblem(password, account)).toBe(
        'must not contain the email address or a name',
      );
    }
  });

  it('should leave parts shorter than four characters alone', () => {
    const short = { email: 'al@example.com', firstName: 'Ada', surname: 'Li' };
    expect(passwordPolicyProblem('ada and li cooking all day', short)).toBeUndefined();
    expect(passwordPolicyProblem('x al@example.com', short)).toBeDefined();
  });

  it('should answer a 400 on the named field for a stored account', () => {
    expect(() => assertNoContextWords('Lovelace1815!', account, 'new_password')).toThrow(
      ValidationError,
    );
    expect(() => assertNoContextWords('Lovelace1815!', account, 'new_password')).toThrow(
      expect.objectContaining({
        errors: [
          { field: 'new_password', message: expect.stringContaining('email address or name') },
        ],
      }),
    );
    expect(() => assertNoContextWords('analytical engine', account, 'new_password')).not.toThrow();
  });
});
