import { OAuthError } from '../common/errors/domain.error.js';
import type { User } from '../users/user.entity.js';
import { grantScopes, narrowScopes, scopeDescriptions, scopesFor } from './scope-policy.js';

const cook = { isSuperuser: false } as User;
const admin = { isSuperuser: true } as User;

describe('scope policy', () => {
  it('should let only a superuser hold users:admin', () => {
    expect(scopesFor(cook)).toEqual(['profile', 'recipes:write']);
    expect(scopesFor(admin)).toEqual(['profile', 'recipes:write', 'users:admin']);
  });

  it('should grant every scope the user may hold when none is requested', () => {
    expect(grantScopes(cook, undefined)).toEqual(['profile', 'recipes:write']);
    expect(grantScopes(admin, ' ')).toEqual(['profile', 'recipes:write', 'users:admin']);
  });

  it('should narrow to the requested scopes and leave out those the user may not hold', () => {
    expect(grantScopes(admin, 'users:admin')).toEqual(['users:admin']);
    expect(grantScopes(cook, 'users:admin recipes:write')).toEqual(['recipes:write']);
  });

  it('should refuse an unknown scope and a request of nothing it may grant with invalid_scope', () => {
    const invalidScope = (message: string) =>
      expect.objectContaining({ code: 'invalid_scope', message });
    expect(() => grantScopes(admin, 'profile root')).toThrow(invalidScope('Unknown scope: root.'));
    expect(() => grantScopes(admin, 'toString')).toThrow(invalidScope('Unknown scope: toString.'));
    expect(() => grantScopes(cook, 'users:admin')).toThrow(
      invalidScope('None of the requested scopes can be granted to this account.'),
    );
    expect(() => grantScopes(cook, 'users:admin')).toThrow(OAuthError);
  });

  it("should narrow a token's scopes to those the user may still hold", () => {
    expect(narrowScopes(admin, 'profile users:admin')).toEqual(['profile', 'users:admin']);
    expect(narrowScopes(cook, 'profile users:admin')).toEqual(['profile']);
    expect(narrowScopes(cook, 'recipes:writer')).toEqual([]);
  });

  it('should describe every scope for the OpenAPI document', () => {
    expect(Object.keys(scopeDescriptions())).toEqual(['profile', 'recipes:write', 'users:admin']);
    expect(scopeDescriptions()['users:admin']).toBe('Manage all users (superusers only)');
  });
});
