import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { AppValidationPipe } from '../../common/validation.pipe.js';
import { AuthService } from '../auth.service.js';
import { clientOf } from '../client-info.js';
import type { TokenDto } from '../dto/token.dto.js';
import { LoginDto } from '../dto/login.dto.js';

/**
 * The OAuth 2.0 password grant on POST /auth/login: the body is validated here, once (the route
 * has no @Body()), and the grant runs; the token answer becomes `request.user` for the controller.
 */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy) {
  // The same pipe as every @Body(), so a bad field is the same field error (invalid_request here).
  private readonly pipe = new AppValidationPipe();

  constructor(private readonly auth: AuthService) {
    super({ passReqToCallback: true });
  }

  async validate(request: FastifyRequest): Promise<TokenDto> {
    const dto = (await this.pipe.transform(request.body ?? {}, {
      type: 'body',
      metatype: LoginDto,
    })) as LoginDto;
    return this.auth.login(dto, clientOf(request));
  }
}
