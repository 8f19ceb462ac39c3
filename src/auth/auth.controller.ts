import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentUser, type Principal } from '../common/decorators/current-user.decorator.js';
import { Public } from '../common/decorators/public.decorator.js';
import { RateLimited } from '../common/throttling/rate-limited.decorator.js';
import { ApiAuthenticated } from '../common/decorators/scopes.decorator.js';
import { MfaService } from '../mfa/mfa.service.js';
import { UserDto } from '../users/dto/user.dto.js';
import { AuthService } from './auth.service.js';
import { clientOf } from './client-info.js';
import { LoginDto } from './dto/login.dto.js';
import type { MeDto } from './dto/me.dto.js';
import { RefreshDto } from './dto/refresh.dto.js';
import type { TokenDto } from './dto/token.dto.js';
import { LocalAuthGuard } from './guards/local-auth.guard.js';
import { RefreshCookie } from './refresh-cookie.js';
import { TokenEndpoint } from './token-endpoint.decorator.js';

@ApiTags('auth')
@RateLimited()
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookie: RefreshCookie,
    private readonly mfa: MfaService,
  ) {}

  /** OAuth 2.0 password grant: `username` is the email. Each login starts a session. */
  @Public()
  @Post('login')
  @HttpCode(200)
  @TokenEndpoint({ checksPassword: true })
  @UseGuards(LocalAuthGuard) // runs the grant: the token answer is request.user
  @ApiConsumes('application/x-www-form-urlencoded', 'multipart/form-data', 'application/json')
  @ApiBody({ type: LoginDto })
  login(
    @Req() request: FastifyRequest & { user: TokenDto },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): TokenDto {
    return this.cookie.attach(request, reply, request.user);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @TokenEndpoint()
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiOperation({
    summary: 'Trade a refresh token for new tokens; the old refresh token is retired.',
    description:
      'Cookie mode (REFRESH_COOKIE=true): login and refresh also set the refresh token in the ' +
      'HttpOnly `refresh_token` cookie (path /api/v1/auth), and this operation reads it from there ' +
      'when the body has none, so a browser app never handles the token. Swagger UI cannot send ' +
      'that cookie: here, paste the `refresh_token` of a token response into the body.',
  })
  async refresh(
    @Req() request: FastifyRequest,
    @Body() dto: RefreshDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenDto> {
    return this.cookie.attach(
      request,
      reply,
      await this.auth.refresh(this.cookie.read(request, dto), clientOf(request)),
    );
  }

  /** End this session: its access tokens stop working at once. */
  @Post('logout')
  @HttpCode(204)
  @ApiAuthenticated()
  async logout(
    @CurrentUser() { sessionId }: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    this.cookie.clear(reply);
    await this.auth.logout(sessionId);
  }

  /** The signed-in user, with their second factors. */
  @Get('me')
  @ApiAuthenticated()
  async me(@CurrentUser() { user }: Principal): Promise<MeDto> {
    const { factors, recoveryCodesRemaining } = await this.mfa.status(user.id);
    return Object.assign(UserDto.from(user), {
      factors,
      recovery_codes_remaining: recoveryCodesRemaining,
    });
  }
}
