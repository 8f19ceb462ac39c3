import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { CurrentUser, type Principal } from '../common/decorators/current-user.decorator.js';
import { RecentAuth } from '../common/decorators/recent-auth.decorator.js';
import { ApiAuthenticated } from '../common/decorators/scopes.decorator.js';
import { RateLimited } from '../common/throttling/rate-limited.decorator.js';
import { ConfirmTotpDto, RecoveryCodesDto, TotpEnrollmentDto } from './dto/totp.dto.js';
import { MfaService } from './mfa.service.js';

/** 409 while an authenticator app is enabled: documented with its own problem type. */
const ApiTotpEnabled = () =>
  ApiResponse({
    status: 409,
    description: 'Conflict: an authenticator app is already enabled',
    content: {
      'application/problem+json': {
        schema: { $ref: '#/components/schemas/ProblemDto' },
        example: {
          type: 'urn:recipe-api:problem:totp-already-enabled',
          title: 'Conflict',
          status: 409,
          detail: 'An authenticator app is already enabled: remove it first.',
        },
      },
    },
  });

@ApiTags('auth')
@RateLimited()
@Controller('auth/mfa/totp')
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  /** Start adding an authenticator app (needs a recent login): the secret is shown this once. */
  @Post('enroll')
  @HttpCode(200)
  @ApiAuthenticated()
  @RecentAuth()
  @ApiTotpEnabled()
  async enroll(@CurrentUser() { user }: Principal): Promise<TotpEnrollmentDto> {
    const { secret, otpauthUri, qrSvg } = await this.mfa.enrollTotp(user);
    return { secret, otpauth_uri: otpauthUri, qr_svg: qrSvg };
  }

  /** Turn the app on with its first code; ends your other sessions and answers the recovery codes, once. */
  @Post('confirm')
  @HttpCode(200)
  @ApiAuthenticated()
  @ApiErrors(400)
  @ApiTotpEnabled()
  async confirm(
    @CurrentUser() { user, sessionId }: Principal,
    @Body() dto: ConfirmTotpDto,
  ): Promise<RecoveryCodesDto> {
    return { recovery_codes: await this.mfa.confirmTotp(user, sessionId, dto.code) };
  }

  /** Remove the app and the recovery codes (needs a recent login); ends your other sessions. */
  @Delete()
  @HttpCode(204)
  @ApiAuthenticated()
  @RecentAuth()
  @ApiErrors(404)
  remove(@CurrentUser() { user, sessionId }: Principal): Promise<void> {
    return this.mfa.removeTotp(user, sessionId);
  }
}
