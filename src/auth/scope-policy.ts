import { OAuthError } from '../common/errors/domain.error.js';
import type { User } from '../users/user.entity.js';

/** Every scope: what it allows (Swagger's Authorize dialog shows it) and who may hold it. */
export const SCOPE_POLICY = {
  profile: { description: 'Read and change your own account', mayHold: (_user: User) => true },
  'recipes:write': {
    description: 'Create, change and delete your recipes',
    mayHold: (_user: User) => true,
  },
  'users:admin': {
    description: 'Manage all users (superusers only)',
    mayHold: (user: User) => user.isSuperuser,
  },
} as const;

// common/ names scopes in @Scopes() without importing a feature: the names are declared from here.
declare module '../common/decorators/scopes.decorator.js' {
  interface ScopeNames extends Record<keyof typeof SCOPE_POLICY, true> {}
}

export type Scope = keyof typeof SCOPE_POLICY;

const SCOPES = Object.keys(SCOPE_POLICY) as Scope[];

const isScope = (name: string): name is Scope => Object.hasOwn(SCOPE_POLICY, name);

/** The scopes this user may hold right now. */
export function scopesFor(user: User): Scope[] {
  return SCOPES.filter((scope) => SCOPE_POLICY[scope].mayHold(user));
}

/** Of a token's or session's space-separated scopes, those the user may still hold. */
export function narrowScopes(user: User, scope: string): Scope[] {
  const names = scope.split(' ');
  return scopesFor(user).filter((held) => names.includes(held));
}

/**
 * A login's scopes (RFC 6749 §3.3): none requested, every scope the user may hold; an unknown
 * name is an error; known ones the user may not hold are left out, but something must remain.
 */
export function grantScopes(user: User, requested: string | undefined): Scope[] {
  const names = requested?.split(' ').filter(Boolean) ?? [];
  if (names.length === 0) return scopesFor(user);
  const unknown = names.filter((name) => !isScope(name));
  if (unknown.length > 0)
    throw new OAuthError('invalid_scope', `Unknown scope: ${unknown.join(' ')}.`);
  const granted = narrowScopes(user, names.join(' '));
  if (granted.length === 0)
    throw new OAuthError(
      'invalid_scope',
      'None of the requested scopes can be granted to this account.',
    );
  return granted;
}

/**
 * MFA_REQUIRED_FOR_SUPERUSERS: `users:admin` only for a session that authenticated with a second
 * factor (`amr` has `otp`, or `hwk`: a passkey verifies its user); the other scopes stay, so a superuser can still sign in and enroll one.
 */
export function withoutUnprovenAdmin(
  scopes: Scope[],
  amr: string[] | undefined,
  required: boolean,
): Scope[] {
  return required && !amr?.some((method) => method === 'otp' || method === 'hwk')
    ? scopes.filter((scope) => scope !== 'users:admin')
    : scopes;
}

/** Scope names and descriptions for the OpenAPI OAuth2 flow. */
export const scopeDescriptions = (): Record<Scope, string> =>
  Object.fromEntries(SCOPES.map((scope) => [scope, SCOPE_POLICY[scope].description])) as Record<
    Scope,
    string
  >;
