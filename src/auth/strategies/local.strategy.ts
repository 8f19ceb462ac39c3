import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { AppValidationPipe } from '../../common/validation.pipe.js';
import type { User } from '../../users/user.entity.js';
import { AuthService } from '../auth.service.js';
import { LoginDto } from '../dto/login.dto.js';

/** The OAuth 2.0 password grant on POST /auth/login (grant_type is checked by LocalAuthGuard). */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy) {
  // The body was screened like every body; validated by the same pipe as every @Body() (a
  // ValidationError becomes invalid_request at the token endpoint).
  private readonly pipe = new AppValidationPipe();

  constructor(private readonly auth: AuthService) {
    super({ passReqToCallback: true });
  }

  async validate(request: FastifyRequest): Promise<User> {
    const dto = (await this.pipe.transform(request.body ?? {}, { type: 'body', metatype: LoginDto })) as LoginDto;
    return this.auth.checkCredentials(dto.username, dto.password);
  }
}
