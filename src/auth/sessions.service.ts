import { randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { IsNull, MoreThan, Not, QueryFailedError, Repository, type EntityMetadata } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { NotFoundError } from '../common/errors/domain.error.js';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import type { User } from '../users/user.entity.js';
import type { SessionDto } from './dto/session.dto.js';
import { Session } from './session.entity.js';

const DAY_MS = 24 * 60 * 60 * 1000;

type Column = EntityMetadata['columns'][number];
type Row = Record<string, unknown>;

/** Every column of the user of a live session, in one statement built once from the entity metadata. */
interface LiveSessionQuery {
  sql: string;
  /** SQLite: prepared once on the connection TypeORM uses. */
  statement?: Statement<unknown[], Row>;
  user: Column[];
  userMetadata: EntityMetadata;
  expiresAt: Column;
}

export interface ClientInfo {
  userAgent?: string;
  ip?: string;
}

/** Login sessions: the access token's `sid` points here, so revoking one is immediate. */
@Injectable()
export class SessionsService {
  private liveQuery?: LiveSessionQuery;

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  /** A new session; `manager` lets the caller add it to a transaction of its own. */
  async start(userId: number, scope: string, client: ClientInfo, manager = this.sessions.manager): Promise<Session> {
    const now = new Date();
    const session = this.sessions.create({
      id: randomUUID(),
      userId,
      scope,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + this.config.sessionDays * DAY_MS),
      revokedAt: null,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      ip: client.ip?.slice(0, 64) ?? null,
    });
    await manager.insert(Session, session);
    return session;
  }

  /**
   * The user of a live session, in one indexed query; undefined when the session is revoked or
   * expired or the user inactive. It runs on every authenticated request, so it skips TypeORM's
   * query builder (building the SQL cost several times what running it does): on SQLite a
   * statement prepared once, on PostgreSQL a named statement (parsed and planned once per pooled
   * connection) on a connection of TypeORM's pool; the row is hydrated by the driver as TypeORM
   * would. Only the user's columns are read: the caller knows the session id already.
   */
  async findLiveUser(sessionId: string, userId: number): Promise<User | undefined> {
    const query = (this.liveQuery ??= this.buildLiveQuery());
    const { driver } = this.sessions.manager.connection;
    const now = driver.preparePersistentValue(new Date(), query.expiresAt) as unknown;
    const row = query.statement
      ? query.statement.get(sessionId, userId, now)
      : await this.queryPostgres(query.sql, [sessionId, userId, now]);
    if (!row) return undefined;
    const user = query.userMetadata.create() as User;
    const fields = user as unknown as Row;
    for (let i = 0; i < query.user.length; i++) {
      fields[query.user[i].propertyName] = driver.prepareHydratedValue(row[`u${i}`], query.user[i]);
    }
    return user.isActive ? user : undefined;
  }

  /** Errors come out as TypeORM's would: a failed connect as is, a failed query as QueryFailedError. */
  private async queryPostgres(sql: string, parameters: unknown[]): Promise<Row | undefined> {
    const driver = this.sessions.manager.connection.driver as PostgresDriver;
    const [client, release] = (await driver.obtainMasterConnection()) as [PoolClient, (error?: unknown) => void];
    try {
      const { rows } = await client.query<Row>({ name: 'find-live-session-user', text: sql, values: parameters });
      release();
      return rows[0];
    } catch (error) {
      release(error); // pg-pool closes a connection handed back with an error
      throw new QueryFailedError(sql, parameters, error as Error);
    }
  }

  private buildLiveQuery(): LiveSessionQuery {
    const { driver } = this.sessions.manager.connection;
    const metadata = this.sessions.metadata;
    const userMetadata = metadata.findRelationWithPropertyPath('user')!.inverseEntityMetadata;
    const user = userMetadata.columns;
    const q = (name: string) => driver.escape(name);
    const select = user.map((column, i) => `u.${q(column.databaseName)} AS ${q(`u${i}`)}`).join(', ');
    const [id, userId, now] = [0, 1, 2].map((i) => driver.createParameter(`p${i}`, i));
    const sql =
      `SELECT ${select} FROM "sessions" s INNER JOIN "users" u ON u."id" = s."user_id" ` +
      `WHERE s."id" = ${id} AND s."user_id" = ${userId} AND s."revoked_at" IS NULL AND s."expires_at" > ${now}`;
    const sqlite =
      driver.options.type === 'better-sqlite3'
        ? (driver as unknown as { databaseConnection: Database }).databaseConnection
        : undefined;
    return {
      sql,
      statement: sqlite?.prepare<unknown[], Row>(sql),
      user,
      userMetadata,
      expiresAt: metadata.findColumnWithPropertyName('expiresAt')!,
    };
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

  async touch(sessionId: string, client: ClientInfo, manager = this.sessions.manager): Promise<void> {
    await manager.update(
      Session,
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
