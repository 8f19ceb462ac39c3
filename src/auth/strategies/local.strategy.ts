import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { OAuthError } from '../../common/errors/domain.error.js';
import type { User } from '../../users/user.entity.js';
import { AuthService } from '../auth.service.js';
import { LoginDto } from '../dto/login.dto.js';

/** The OAuth 2.0 password grant on POST /auth/login (grant_type is checked by LocalAuthGuard). */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy) {
  constructor(private readonly auth: AuthService) {
    super({ passReqToCallback: true });
  }

  async validate(request: FastifyRequest): Promise<User> {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const dto = plainToInstance(LoginDto, body);
    const [problem] = await validate(dto, { stopAtFirstError: true });
    const message = problem && Object.values(problem.constraints ?? {})[0];
    if (message || dto.username.includes('\u0000') || dto.password.includes('\u0000')) {
      throw new OAuthError(
        'invalid_request',
        message ?? 'username and password must not contain NUL characters',
      );
    }
    return this.auth.checkCredentials(dto.username, dto.password);
  }
}
