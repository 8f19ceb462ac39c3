import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { decodeJwt } from 'jose';
import type { Principal } from '../common/decorators/current-user.decorator.js';
import { DomainError } from '../common/errors/domain.error.js';
import type { WsTicketDto } from './dto/ws-ticket.dto.js';
import { RealtimeRedis } from './realtime-redis.js';
import {
  SocketAuthenticationError,
  SocketAuthenticator,
  type SocketPrincipal,
} from './socket-authenticator.js';

export const TICKET_SECONDS = 30;

class TicketStoreUnavailableError extends DomainError {
  constructor() {
    super(503, 'service-unavailable', 'Tickets cannot be issued right now; try again shortly.');
  }
}

// Stored by its SHA-256 only: whoever reads the store (a Redis dump) cannot use a ticket.
const keyOf = (ticket: string) => `ws-ticket:${createHash('sha256').update(ticket).digest('hex')}`;

/**
 * Single-use tickets for `GET /ws?ticket=`: 256 random bits, valid 30 s, bound to the session of
 * the access token that asked for one (a socket opened with it lives as long as that token would).
 * With REDIS_URL they are kept in Redis, so any instance accepts them (GETDEL: one use, even when
 * two instances try at once); otherwise in this process's memory.
 */
@Injectable()
export class WsTicketsService {
  private readonly memory = new Map<string, { grant: string; expiresAt: number }>();

  constructor(
    private readonly redis: RealtimeRedis,
    private readonly authenticator: SocketAuthenticator,
  ) {}

  /** `authorization`: the header whose bearer token the guard verified, for its expiry. */
  async issue({ user, sessionId }: Principal, authorization: string): Promise<WsTicketDto> {
    const ticket = randomBytes(32).toString('base64url');
    const accessToken = authorization.replace(/^bearer\s+/i, '');
    const grant: SocketPrincipal = {
      userId: user.id,
      sessionId,
      expiresAt: decodeJwt(accessToken).exp! * 1000,
    };
    await this.put(keyOf(ticket), JSON.stringify(grant));
    return { ticket, expires_in: TICKET_SECONDS };
  }

  /** The principal of a live ticket, spent by this call; its session must still be live. */
  async redeem(ticket: string): Promise<SocketPrincipal> {
    const grant = ticket.length === 43 ? await this.take(keyOf(ticket)) : undefined;
    if (!grant) throw new SocketAuthenticationError('The ticket is invalid, used or expired.');
    const principal = JSON.parse(grant) as SocketPrincipal;
    if (!(await this.authenticator.isLive(principal))) {
      throw new SocketAuthenticationError('The session of this ticket has ended.');
    }
    return principal;
  }

  private async put(key: string, grant: string): Promise<void> {
    const redis = this.redis.commands;
    if (redis) {
      await redis.set(key, grant, 'EX', TICKET_SECONDS).catch((error: Error) => {
        throw Object.assign(new TicketStoreUnavailableError(), { cause: error });
      });
      return;
    }
    const now = Date.now();
    // Kept in the order issued, so the expired ones are the first: the sweep stops at a live one.
    for (const [old, { expiresAt }] of this.memory) {
      if (expiresAt > now) break;
      this.memory.delete(old);
    }
    this.memory.set(key, { grant, expiresAt: now + TICKET_SECONDS * 1000 });
  }

  private async take(key: string): Promise<string | undefined> {
    const redis = this.redis.commands;
    if (redis) return (await redis.getdel(key)) ?? undefined;
    const entry = this.memory.get(key);
    this.memory.delete(key);
    return entry && entry.expiresAt > Date.now() ? entry.grant : undefined;
  }
}
