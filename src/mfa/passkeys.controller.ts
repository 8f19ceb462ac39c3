import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { ApiIdParam } from '../common/api-id-param.decorator.js';
import { CurrentUser, type Principal } from '../common/decorators/current-user.decorator.js';
import { RecentAuth } from '../common/decorators/recent-auth.decorator.js';
import { ApiAuthenticated } from '../common/decorators/scopes.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { RateLimited } from '../common/throttling/rate-limited.decorator.js';
import { PasskeyDto, PasskeyOptionsDto, RegisterPasskeyDto } from './dto/passkey.dto.js';
import type { Passkey } from './passkey.entity.js';
import { PasskeysService } from './passkeys.service.js';

const toDto = (passkey: Passkey): PasskeyDto => ({
  id: passkey.id,
  name: passkey.name,
  created_at: passkey.createdAt,
  last_used_at: passkey.lastUsedAt,
  device_type: passkey.deviceType,
  backed_up: passkey.backedUp,
  transports: passkey.transports ? passkey.transports.split(',') : [],
});

/** 409 when the authenticator's passkey is registered already. */
const ApiPasskeyRegistered = () =>
  ApiResponse({
    status: 409,
    description: 'Conflict: this passkey is registered already',
    content: {
      'application/problem+json': {
        schema: { $ref: '#/components/schemas/ProblemDto' },
        example: {
          type: 'urn:recipe-api:problem:passkey-already-registered',
          title: 'Conflict',
          status: 409,
          detail: 'This passkey is registered already.',
        },
      },
    },
  });

@ApiTags('auth')
@RateLimited()
@Controller('auth/passkeys')
export class PasskeysController {
  constructor(private readonly passkeys: PasskeysService) {}

  /** Your passkeys. */
  @Get()
  @ApiAuthenticated()
  async list(@CurrentUser() { user }: Principal): Promise<PasskeyDto[]> {
    return (await this.passkeys.list(user.id)).map(toDto);
  }

  /**
   * Start adding a passkey (needs a recent login): options for navigator.credentials.create(),
   * good for five minutes and one answer; asking again voids the previous ones.
   */
  @Post('register/options')
  @HttpCode(200)
  @ApiAuthenticated()
  @RecentAuth()
  registrationOptions(@CurrentUser() { user }: Principal): Promise<PasskeyOptionsDto> {
    return this.passkeys.registrationOptions(user);
  }

  /**
   * Add the passkey the browser created for the latest options; ends your other sessions. The
   * options are spent whether or not the answer is accepted.
   */
  @Post('register')
  @ApiAuthenticated()
  @ApiErrors(400)
  @ApiPasskeyRegistered()
  async register(
    @CurrentUser() { user, sessionId }: Principal,
    @Body() dto: RegisterPasskeyDto,
  ): Promise<PasskeyDto> {
    const response = dto.response as unknown as RegistrationResponseJSON;
    return toDto(await this.passkeys.register(user, sessionId, response, dto.name));
  }

  /** Remove one of your passkeys (needs a recent login); ends your other sessions. */
  @Delete(':id')
  @HttpCode(204)
  @ApiAuthenticated()
  @RecentAuth()
  @ApiIdParam('The passkey.')
  @ApiErrors(400, 404)
  remove(
    @CurrentUser() { user, sessionId }: Principal,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<void> {
    return this.passkeys.remove(user, sessionId, id);
  }
}
