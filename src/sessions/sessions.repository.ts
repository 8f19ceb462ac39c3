import type { Database, Statement } from 'better-sqlite3';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { QueryFailedError, Repository, type EntityMetadata } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import type { User } from '../users/user.entity.js';
import { Session } from './session.entity.js';

type Column = EntityMetadata['columns'][number];
type Row = Record<string, unknown>;

/** Every column of the user of a live session, in one statement built once from the entity metadata. */
interface LiveSessionQuery {
  sql: string;
  /** SQLite: prepared once on the connection TypeORM uses. */
  statement?: Statement<unknown[], Row>;
  user: Column[];
  userMetadata: EntityMetadata;
  /** The type of the time columns (expires_at, last_used_at), to write `now` as the driver does. */
  time: Column;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The per-request session lookup, the one query tuned by hand: it runs on every authenticated
 * request, so it skips TypeORM's query builder (building the SQL costs several times what running
 * it does) and uses the driver under TypeORM directly — this file is the only one that does.
 */
@Injectable()
export class SessionsRepository {
  private liveQuery?: LiveSessionQuery;

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  /**
   * The user of a live session, in one indexed query; undefined when the session is revoked,
   * expired or idle too long (it has ended: SESSION_IDLE_DAYS), or the user inactive. On SQLite a statement prepared once, on PostgreSQL a named
   * statement (parsed and planned once per pooled connection) on a connection of TypeORM's pool;
   * the row is hydrated by the driver as TypeORM would. Only the user's columns are read: the
   * caller knows the session id already.
   */
  async findLiveUser(sessionId: string, userId: number): Promise<User | undefined> {
    const query = (this.liveQuery ??= this.buildLiveQuery());
    const { driver } = this.sessions.manager.connection;
    const nowMs = Date.now();
    const now = driver.preparePersistentValue(new Date(nowMs), query.time) as unknown;
    const idleSince = driver.preparePersistentValue(
      new Date(nowMs - this.config.sessionIdleDays * DAY_MS),
      query.time,
    ) as unknown;
    const row = query.statement
      ? query.statement.get(sessionId, userId, now, idleSince)
      : await this.queryPostgres(query.sql, [sessionId, userId, now, idleSince]);
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
    const [client, release] = (await driver.obtainMasterConnection()) as [
      PoolClient,
      (error?: unknown) => void,
    ];
    try {
      const { rows } = await client.query<Row>({
        name: 'find-live-session-user',
        text: sql,
        values: parameters,
      });
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
    const select = user
      .map((column, i) => `u.${q(column.databaseName)} AS ${q(`u${i}`)}`)
      .join(', ');
    const [id, userId, now, idleSince] = [0, 1, 2, 3].map((i) =>
      driver.createParameter(`p${i}`, i),
    );
    const sql =
      `SELECT ${select} FROM "sessions" s INNER JOIN "users" u ON u."id" = s."user_id" ` +
      `WHERE s."id" = ${id} AND s."user_id" = ${userId} AND s."revoked_at" IS NULL ` +
      `AND s."expires_at" > ${now} AND s."last_used_at" > ${idleSince}`;
    const sqlite =
      driver.options.type === 'better-sqlite3'
        ? (driver as unknown as { databaseConnection: Database }).databaseConnection
        : undefined;
    return {
      sql,
      statement: sqlite?.prepare<unknown[], Row>(sql),
      user,
      userMetadata,
      time: metadata.findColumnWithPropertyName('expiresAt')!,
    };
  }
}
