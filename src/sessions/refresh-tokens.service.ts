import { createHash, createHmac, randomBytes } from 'node:crypto';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { IsNull, type Repository } from 'typeorm';
import { OAuthError } from '../common/errors/domain.error.js';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import { RefreshToken } from './refresh-token.entity.js';
import type { Session } from './session.entity.js';
import { SessionsService, type Authentication, type ClientInfo } from './sessions.service.js';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
const unusable = () =>
  new OAuthError('invalid_grant', 'The refresh token is invalid, expired or revoked.');

/**
 * The one writer of `refresh_tokens`. Opaque refresh tokens (256 bits), stored as SHA-256 and rotated on every use (RFC 9700 §4.14.2).
 * A token's successor is an HMAC of the token itself, so every concurrent refresh of one token
 * within the grace window gets the same successor without the server keeping any raw token.
 */
@Injectable()
export class RefreshTokensService {
  private readonly successorKey: Buffer;

  constructor(
    private readonly db: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    private readonly sessions: SessionsService,
  ) {
    this.successorKey = createHmac('sha256', config.secret)
      .update('refresh-token-successor')
      .digest();
  }

  /** The table, in the caller's transaction when there is one. */
  private get tokens(): Repository<RefreshToken> {
    return this.db.tx.getRepository(RefreshToken);
  }

  /** A new session and its first refresh token, in one transaction (one commit). */
  async startSession(
    userId: number,
    scope: string,
    client: ClientInfo,
    auth?: Authentication,
  ): Promise<{ session: Session; refreshToken: string }> {
    const refreshToken = randomBytes(32).toString('base64url');
    const session = await this.db.withTransaction(async () => {
      const started = await this.sessions.start(userId, scope, client, auth);
      await this.tokens.insert({
        sessionId: started.id,
        tokenHash: sha256(refreshToken),
        retiredAt: null,
      });
      return started;
    });
    return { session, refreshToken };
  }

  /**
   * Retires `token` and returns its session and successor. The request that retires it is its use,
   * however long that takes; one that finds it retired by another request is a reuse, which ends
   * the session, when it was presented the grace window or longer after that retirement.
   */
  async rotate(
    token: string,
    client: ClientInfo,
  ): Promise<{ session: Session; refreshToken: string }> {
    const presentedAt = Date.now();
    const row = await this.tokens.findOne({
      where: { tokenHash: sha256(token) },
      relations: { session: { user: true } },
    });
    if (!row?.session || !this.sessions.isRefreshable(row.session)) {
      throw unusable();
    }
    const successor = createHmac('sha256', this.successorKey).update(token).digest('base64url');
    const retiredAt = row.retiredAt ?? (await this.retire(row, successor, client));
    if (retiredAt && presentedAt - retiredAt.getTime() >= this.config.refreshGraceSeconds * 1000) {
      await this.sessions.revoke(row.sessionId);
      throw new OAuthError(
        'invalid_grant',
        'The refresh token was already used; the session has been ended.',
      );
    }
    return { session: row.session, refreshToken: successor };
  }

  /**
   * Retires the token and stores its successor, in one commit; null when this request did, else
   * when the concurrent rotation that did retired it (exactly one updates the row).
   */
  private retire(row: RefreshToken, successor: string, client: ClientInfo): Promise<Date | null> {
    return this.db.withTransaction(async () => {
      const { affected } = await this.tokens.update(
        { id: row.id, retiredAt: IsNull() },
        { retiredAt: new Date() },
      );
      if (!affected) {
        const stored = await this.tokens.findOneBy({ id: row.id });
        if (!stored?.retiredAt) throw unusable(); // gone with its session meanwhile
        return stored.retiredAt;
      }
      await this.tokens.insert({
        sessionId: row.sessionId,
        tokenHash: sha256(successor),
        retiredAt: null,
      });
      await this.sessions.touch(row.sessionId, client);
      return null;
    });
  }
}
