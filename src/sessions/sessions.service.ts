import { randomUUID } from 'node:crypto';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { IsNull, MoreThan, Not, type Repository } from 'typeorm';
import { NotFoundError } from '../common/errors/domain.error.js';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import type { User } from '../users/user.entity.js';
import {
  USER_DEACTIVATED,
  USER_PASSWORD_CHANGED,
  type UserDeactivated,
  type UserPasswordChanged,
} from '../users/user.events.js';
import type { SessionDto } from './dto/session.dto.js';
import { Session } from './session.entity.js';
import { SESSIONS_REVOKED, SessionsRevoked } from './session.events.js';
import { SessionsRepository } from './sessions.repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ClientInfo {
  userAgent?: string;
  ip?: string;
}

/** How a session's user authenticated (RFC 8176 `amr`), and when; the default is a password, now. */
export interface Authentication {
  amr: string[];
  time?: Date;
}

/** Login sessions, the one writer of `sessions`: the access token's `sid` points here, so revoking one is immediate. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly db: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly repository: SessionsRepository,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    private readonly events: EventEmitter2,
  ) {}

  /** The table, in the caller's transaction when there is one. */
  private get sessions(): Repository<Session> {
    return this.db.tx.getRepository(Session);
  }

  async start(
    userId: number,
    scope: string,
    client: ClientInfo,
    auth: Authentication = { amr: ['pwd'] },
  ): Promise<Session> {
    const now = new Date();
    const session = this.sessions.create({
      id: randomUUID(),
      userId,
      scope,
      createdAt: now,
      authTime: auth.time ?? now,
      amr: auth.amr.join(' '),
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + this.config.sessionDays * DAY_MS),
      revokedAt: null,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      ip: client.ip?.slice(0, 64) ?? null,
    });
    await this.sessions.insert(session);
    return session;
  }

  /** The user of a live session (every authenticated request): SessionsRepository's tuned query. */
  findLiveUser(sessionId: string, userId: number): Promise<User | undefined> {
    return this.repository.findLiveUser(sessionId, userId);
  }

  /** A session may be refreshed while it is neither revoked, past its absolute end, nor idle too long. */
  isRefreshable(session: Session, now = new Date()): boolean {
    const idleSince = now.getTime() - this.config.sessionIdleDays * DAY_MS;
    return (
      session.revokedAt === null &&
      session.expiresAt > now &&
      session.lastUsedAt.getTime() > idleSince &&
      session.user?.isActive === true
    );
  }

  async touch(sessionId: string, client: ClientInfo): Promise<void> {
    await this.sessions.update(
      { id: sessionId },
      { lastUsedAt: new Date(), ...(client.ip && { ip: client.ip.slice(0, 64) }) },
    );
  }

  /** The user's live sessions, most recently used first. */
  async list(userId: number, currentSessionId: string): Promise<SessionDto[]> {
    const now = Date.now();
    const rows = await this.sessions.find({
      where: {
        userId,
        revokedAt: IsNull(),
        expiresAt: MoreThan(new Date(now)),
        lastUsedAt: MoreThan(new Date(now - this.config.sessionIdleDays * DAY_MS)),
      },
      order: { lastUsedAt: 'DESC' },
    });
    return rows.map((session) => ({
      id: session.id,
      created_at: session.createdAt.toISOString(),
      last_used_at: session.lastUsedAt.toISOString(),
      user_agent: session.userAgent,
      ip: session.ip,
      current: session.id === currentSessionId,
    }));
  }

  /** Ends one of the user's own live sessions; anyone else's is "not found". */
  async revokeOwn(userId: number, sessionId: string): Promise<void> {
    const { affected } = await this.sessions.update(
      { id: sessionId, userId, revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
    if (!affected) throw new NotFoundError('Session');
    this.events.emit(SESSIONS_REVOKED, new SessionsRevoked({ sessionId }));
  }

  async revoke(sessionId: string): Promise<void> {
    await this.sessions.update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date() });
    this.events.emit(SESSIONS_REVOKED, new SessionsRevoked({ sessionId }));
  }

  async revokeAll(userId: number, exceptSessionId?: string): Promise<void> {
    await this.sessions.update(
      { userId, revokedAt: IsNull(), ...(exceptSessionId && { id: Not(exceptSessionId) }) },
      { revokedAt: new Date() },
    );
    this.events.emit(SESSIONS_REVOKED, new SessionsRevoked({ userId, exceptSessionId }));
  }

  // A new password ends every other session (whoever knew the old one is out), in its transaction.
  @OnEvent(USER_PASSWORD_CHANGED, { suppressErrors: false })
  async onPasswordChanged({ userId, keepSessionId }: UserPasswordChanged): Promise<void> {
    await this.revokeAll(userId, keepSessionId);
  }

  @OnEvent(USER_DEACTIVATED, { suppressErrors: false })
  async onDeactivated({ userId }: UserDeactivated): Promise<void> {
    await this.revokeAll(userId);
  }
}
