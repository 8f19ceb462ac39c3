import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Not, Repository } from 'typeorm';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import { Session } from './session.entity.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Login sessions: the access token's `sid` points here, so revoking one is immediate. */
@Injectable()
export class SessionsService {
  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  start(userId: number, client: { userAgent?: string; ip?: string }): Promise<Session> {
    const now = new Date();
    return this.sessions.save(
      this.sessions.create({
        id: randomUUID(),
        userId,
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
