import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
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
  @ApiParam({
    name: 'id',
    description: 'The session (its `id` in the list).',
    schema: { type: 'string', format: 'uuid', example: '1d5d6eac-6a38-4d41-aa6c-f74d2d88702c' },
  })
  @ApiErrors(404)
  remove(@CurrentUser() { user }: Principal, @Param('id') id: string): Promise<void> {
    return this.sessions.revokeOwn(user.id, id);
  }
}
