import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { CurrentUser, type Principal } from '../common/decorators/current-user.decorator.js';
import { ApiAuthenticated } from '../common/decorators/scopes.decorator.js';
import { RateLimited } from '../common/throttling/rate-limited.decorator.js';
import { WsTicketDto } from './dto/ws-ticket.dto.js';
import { WsTicketsService } from './ws-tickets.service.js';

@ApiTags('auth')
@ApiAuthenticated()
@Controller('auth')
export class WsTicketController {
  constructor(private readonly tickets: WsTicketsService) {}

  /**
   * A single-use ticket for `GET /ws?ticket=…` (valid 30 s, bound to this session), for clients
   * that cannot send a first message before they are told anything, without putting the access
   * token in a URL.
   */
  @RateLimited() // per client IP, like the other auth routes that make something
  @Post('ws-ticket')
  @HttpCode(200)
  @ApiErrors(503)
  issue(@CurrentUser() principal: Principal, @Req() request: FastifyRequest): Promise<WsTicketDto> {
    return this.tickets.issue(principal, request.headers.authorization!);
  }
}
