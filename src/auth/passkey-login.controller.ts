import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/decorators/public.decorator.js';
import { RateLimited } from '../common/throttling/rate-limited.decorator.js';
import { PasskeyLoginDto, PasskeyLoginOptionsDto } from '../mfa/dto/passkey.dto.js';
import { PasskeysService } from '../mfa/passkeys.service.js';
import { AuthService } from './auth.service.js';
import { clientOf } from './client-info.js';
import type { TokenDto } from './dto/token.dto.js';
import { RefreshCookie } from './refresh-cookie.js';
import { TokenEndpoint } from './token-endpoint.decorator.js';

@ApiTags('auth')
@RateLimited()
@Controller('auth/passkeys/login')
export class PasskeyLoginController {
  constructor(
    private readonly auth: AuthService,
    private readonly passkeys: PasskeysService,
    private readonly cookie: RefreshCookie,
  ) {}

  /**
   * Start a login with a passkey: options for navigator.credentials.get() (any passkey of this
   * site, user verification required) and the `challenge_id` to send back, good for five minutes.
   */
  @Public()
  @Post('options')
  @HttpCode(200)
  async options(): Promise<PasskeyLoginOptionsDto> {
    const { challengeId, options } = await this.passkeys.loginOptions();
    return { challenge_id: challengeId, options };
  }

  /**
   * Log in with the passkey's answer to the options of `challenge_id` (spent whatever the outcome):
   * the session is authenticated with `amr: ["hwk"]`. Errors as at /auth/login (RFC 6749 §5.2).
   */
  @Public()
  @Post()
  @HttpCode(200)
  @TokenEndpoint()
  async login(
    @Req() request: FastifyRequest,
    @Body() dto: PasskeyLoginDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenDto> {
    return this.cookie.attach(
      request,
      reply,
      await this.auth.loginWithPasskey(dto, clientOf(request)),
    );
  }
}
