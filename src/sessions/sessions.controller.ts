import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { CurrentUser, type Principal } from '../common/decorators/current-user.decorator.js';
import { ApiAuthenticated } from '../common/decorators/scopes.decorator.js';
import { SessionDto } from './dto/session.dto.js';
import { SessionsService } from './sessions.service.js';

@ApiTags('auth')
@ApiAuthenticated()
@Controller('auth/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  /** Your live sessions; `current` marks the one of this token. */
  @Get()
  list(@CurrentUser() { user, sessionId }: Principal): Promise<SessionDto[]> {
    return this.sessions.list(user.id, sessionId);
  }

  /** End one of your sessions: its tokens stop working at once. */
  @Delete(':id')
  @HttpCode(204)
  @ApiErrors(404)
  remove(@CurrentUser() { user }: Principal, @Param('id') id: string): Promise<void> {
    return this.sessions.revokeOwn(user.id, id);
  }
}
