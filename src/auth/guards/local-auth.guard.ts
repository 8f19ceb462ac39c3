import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { OAuthError } from '../../common/errors/domain.error.js';

/** Runs the password grant; missing fields answer RFC 6749's invalid_request. */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override handleRequest<T>(error: unknown, user: T): T {
    if (error) throw error;
    if (!user) throw new OAuthError('invalid_request', 'username and password are required.');
    return user;
  }
}
