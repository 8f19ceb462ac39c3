import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/public.decorator.js';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import { JwksDto } from './dto/jwks.dto.js';

@ApiTags('auth')
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(@Inject(authConfig.KEY) private readonly config: AuthConfig) {}

  /** The public keys that verify our access tokens, by `kid` (RFC 7517 JWK Set); empty with HS256. */
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): JwksDto {
    return this.config.keys.jwks;
  }
}
