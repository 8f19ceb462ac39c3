import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { CurrentUser, type Principal } from '../common/decorators/current-user.decorator.js';
import { Public } from '../common/decorators/public.decorator.js';
import { ApiAuthenticated } from '../common/decorators/scopes.decorator.js';
import { RateLimited } from '../common/throttling/rate-limited.decorator.js';
import { UserDto } from '../users/dto/user.dto.js';
import { AccountService } from './account.service.js';
import {
  AcceptedDto,
  ForgotPasswordDto,
  ResetPasswordDto,
  VerifyEmailDto,
} from './dto/account.dto.js';
import { SignupDto } from './dto/signup.dto.js';

/** Signup, password reset and email verification: the account's life outside a session. */
@ApiTags('auth')
@RateLimited()
@Controller('auth')
export class AccountController {
  constructor(private readonly account: AccountService) {}

  /** Create an account. Unknown fields are ignored; an email is taken case-insensitively. */
  @Public()
  @Post('signup')
  @ApiErrors(400, 409)
  async signup(@Body() dto: SignupDto): Promise<UserDto> {
    return UserDto.from(await this.account.signup(dto));
  }

  /** Mail a password reset link (valid 30 minutes, single use). The answer never says whether the account exists. */
  @Public()
  @Post('password/forgot')
  @HttpCode(202)
  @ApiErrors(400)
  forgotPassword(@Body() dto: ForgotPasswordDto): Promise<AcceptedDto> {
    return this.account.requestPasswordReset(dto.email);
  }

  /** Set a new password with the token from the reset mail; every session of the account ends. */
  @Public()
  @Post('password/reset')
  @HttpCode(204)
  @ApiErrors(400)
  resetPassword(@Body() dto: ResetPasswordDto): Promise<void> {
    return this.account.resetPassword(dto.token, dto.new_password);
  }

  /** Mail a link that verifies your email address (valid 24 hours, single use). */
  @Post('email/verify/request')
  @HttpCode(202)
  @ApiAuthenticated()
  requestEmailVerification(@CurrentUser() { user }: Principal): Promise<AcceptedDto> {
    return this.account.requestEmailVerification(user);
  }

  /** Mark the email address verified with the token from the verification mail. */
  @Public()
  @Post('email/verify')
  @HttpCode(204)
  @ApiErrors(400)
  verifyEmail(@Body() dto: VerifyEmailDto): Promise<void> {
    return this.account.verifyEmail(dto.token);
  }
}
