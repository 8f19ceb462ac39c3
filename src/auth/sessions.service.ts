import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Not, Repository } from 'typeorm';
import { NotFoundError } from '../common/errors/domain.error.js';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import type { SessionDto } from './dto/session.dto.js';
import { Session } from './session.entity.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ClientInfo {
  userAgent?: string;
  ip?: string;
}

/** Login sessions: the access token's `sid` points here, so revoking one is immediate. */
@Injectable()
export class SessionsService {
  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  start(userId: number, scope: string, client: ClientInfo): Promise<Session> {
    const now = new Date();
    return this.sessions.save(
      this.sessions.create({
        id: randomUUID(),
        userId,
        scope,
        lastUsedAt: now,
        expiresAt: new Date(now.getTime() + this.config.sessionDays * DAY_MS),
        revokedAt: null,
        userAgent: client.userAgent?.slice(0, 512) ?? null,
        ip: client.ip?.slice(0, 64) ?? null,
      }),
    );
  }

  /** The live session with its user, in one indexed query; undefined when revoked or expired. */
  async findLive(sessionId: string, userId: number): Promise<Session | undefined> {
    const session = await this.sessions.findOne({
      where: { id: sessionId, userId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      relations: { user: true },
    });
    return session?.user?.isActive ? session : undefined;
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

  async touch(session: Session, client: ClientInfo): Promise<void> {
    await this.sessions.update(
      { id: session.id },
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
  }

  async revoke(sessionId: string): Promise<void> {
    await this.sessions.update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async revokeAll(userId: number, exceptSessionId?: string): Promise<void> {
    await this.sessions.update(
      { userId, revokedAt: IsNull(), ...(exceptSessionId && { id: Not(exceptSessionId) }) },
      { revokedAt: new Date() },
    );
  }
}
