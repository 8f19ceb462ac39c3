import { Body, Controller, Get, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { CurrentUser, type Principal } from '../common/decorators/current-user.decorator.js';
import { Public } from '../common/decorators/public.decorator.js';
import { ApiAuthenticated } from '../common/decorators/scopes.decorator.js';
import { UserDto } from '../users/dto/user.dto.js';
import type { User } from '../users/user.entity.js';
import { AuthService } from './auth.service.js';
import { LoginDto } from './dto/login.dto.js';
import { SignupDto } from './dto/signup.dto.js';
import { OAuthErrorDto, TokenDto } from './dto/token.dto.js';
import { LocalAuthGuard } from './guards/local-auth.guard.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Create an account. Unknown fields are ignored; an email is taken case-insensitively. */
  @Public()
  @Post('signup')
  @ApiErrors(400, 409)
  async signup(@Body() dto: SignupDto): Promise<UserDto> {
    return UserDto.from(await this.auth.signup(dto));
  }

  /** OAuth 2.0 password grant: `username` is the email. Each login starts a session. */
  @Public()
  @Post('login')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @UseGuards(LocalAuthGuard)
  @ApiConsumes('application/x-www-form-urlencoded', 'multipart/form-data', 'application/json')
  @ApiBody({ type: LoginDto })
  @ApiResponse({ status: 400, type: OAuthErrorDto, description: 'RFC 6749 §5.2 error' })
  login(@Req() request: FastifyRequest & { user: User }, @Body() dto: LoginDto): Promise<TokenDto> {
    return this.auth.login(request.user, dto.scope, {
      userAgent: request.headers['user-agent'],
      ip: request.ip,
    });
  }

  /** End this session: its access tokens stop working at once. */
  @Post('logout')
  @HttpCode(204)
  @ApiAuthenticated()
  logout(@CurrentUser() { sessionId }: Principal): Promise<void> {
    return this.auth.logout(sessionId);
  }

  /** The signed-in user. */
  @Get('me')
  @ApiAuthenticated()
  me(@CurrentUser() { user }: Principal): UserDto {
    return UserDto.from(user);
  }
}
