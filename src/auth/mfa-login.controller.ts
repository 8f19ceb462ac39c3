import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/decorators/public.decorator.js';
import { RateLimited } from '../common/throttling/rate-limited.decorator.js';
import { AuthService } from './auth.service.js';
import { clientOf } from './client-info.js';
import { LoginMfaDto } from './dto/login-mfa.dto.js';
import type { TokenDto } from './dto/token.dto.js';
import { RefreshCookie } from './refresh-cookie.js';
import { TokenEndpoint } from './token-endpoint.decorator.js';

@ApiTags('auth')
@RateLimited()
@Controller('auth/login')
export class MfaLoginController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookie: RefreshCookie,
  ) {}

  /**
   * Second step of a login for an account with a second factor: the `mfa_token` of the
   * `mfa_required` answer and either `code` (authenticator app) or `recovery_code`.
   */
  @Public()
  @Post('mfa')
  @HttpCode(200)
  @TokenEndpoint({ checksPassword: true })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  async loginMfa(
    @Req() request: FastifyRequest,
    @Body() dto: LoginMfaDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenDto> {
    return this.cookie.attach(
      request,
      reply,
      await this.auth.loginWithSecondFactor(dto, clientOf(request)),
    );
  }
}
