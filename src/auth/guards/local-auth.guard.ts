import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { OAuthError } from '../../common/errors/domain.error.js';

/** Runs the password grant (LocalStrategy); its answer is the token response, on `request.user`. */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  // grant_type is checked here only, before passport-local, which would call a client_credentials
  // request without a password "missing credentials".
  override canActivate(context: ExecutionContext) {
    const body = context.switchToHttp().getRequest<{ body?: unknown }>().body;
    const grantType =
      body && typeof body === 'object' ? (body as { grant_type?: unknown }).grant_type : undefined;
    // RFC 6749 §3.1: a parameter sent twice (an array from the form parser) is a malformed request.
    if (Array.isArray(grantType)) {
      throw new OAuthError('invalid_request', 'grant_type must be sent once.');
    }
    if (grantType !== undefined && grantType !== 'password') {
      throw new OAuthError('unsupported_grant_type', 'Only grant_type=password is supported here.');
    }
    return super.canActivate(context);
  }

  // passport-local refuses a body without username or password before the strategy runs.
  override handleRequest<T>(error: unknown, user: T): T {
    if (error) throw error;
    if (!user) throw new OAuthError('invalid_request', 'username and password are required.');
    return user;
  }
}
