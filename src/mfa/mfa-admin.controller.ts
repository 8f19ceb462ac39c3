import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { ApiIdParam } from '../common/api-id-param.decorator.js';
import { CurrentUser, type Principal } from '../common/decorators/current-user.decorator.js';
import { Scopes } from '../common/decorators/scopes.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { UsersService } from '../users/users.service.js';
import { MfaStatusDto } from './dto/totp.dto.js';
import { MfaService } from './mfa.service.js';

@ApiTags('users')
@Controller('users/:id/mfa')
export class MfaAdminController {
  constructor(
    private readonly mfa: MfaService,
    private readonly users: UsersService,
  ) {}

  /** A user's second factors (superusers). */
  @Get()
  @Scopes('users:admin')
  @ApiIdParam('The user.')
  @ApiErrors(400, 404)
  async get(@Param('id', ParseIdPipe) id: number): Promise<MfaStatusDto> {
    const { factors, recoveryCodesRemaining } = await this.mfa.status(
      (await this.users.get(id)).id,
    );
    return { factors, recovery_codes_remaining: recoveryCodesRemaining };
  }

  /** Remove a user's second factors and passkeys and end all of their sessions; logged and mailed (superusers). */
  @Delete()
  @HttpCode(204)
  @Scopes('users:admin')
  @ApiIdParam('The user.')
  @ApiErrors(400, 404)
  reset(@Param('id', ParseIdPipe) id: number, @CurrentUser() { user }: Principal): Promise<void> {
    return this.mfa.resetFactors(id, user.id);
  }
}
