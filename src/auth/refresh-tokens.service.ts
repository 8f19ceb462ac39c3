import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { OAuthError } from '../common/errors/domain.error.js';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import { RefreshToken } from './refresh-token.entity.js';
import type { Session } from './session.entity.js';
import { SessionsService, type ClientInfo } from './sessions.service.js';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Opaque refresh tokens (256 bits), stored as SHA-256 and rotated on every use (RFC 9700 §4.14.2).
 * A token's successor is an HMAC of the token itself, so every concurrent refresh of one token
 * within the grace window gets the same successor without the server keeping any raw token.
 */
@Injectable()
export class RefreshTokensService {
  private readonly successorKey: Buffer;

  constructor(
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    private readonly sessions: SessionsService,
  ) {
    this.successorKey = createHmac('sha256', config.secret).update('refresh-token-successor').digest();
  }

  /** The first refresh token of a new session. */
  async issue(sessionId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.tokens.insert({ sessionId, tokenHash: sha256(token), retiredAt: null });
    return token;
  }

  /** Retires `token` and returns its session and successor; reuse after the grace window ends the session. */
  async rotate(token: string, client: ClientInfo): Promise<{ session: Session; refreshToken: string }> {
    const row = await this.tokens.findOne({
      where: { tokenHash: sha256(token) },
      relations: { session: { user: true } },
    });
    if (!row?.session || !this.sessions.isRefreshable(row.session)) {
      throw new OAuthError('invalid_grant', 'The refresh token is invalid, expired or revoked.');
    }
    const successor = createHmac('sha256', this.successorKey).update(token).digest('base64url');
    let retiredAt = row.retiredAt;
    if (retiredAt === null) {
      retiredAt = new Date();
      const { affected } = await this.tokens.update({ id: row.id, retiredAt: IsNull() }, { retiredAt });
      // Of concurrent rotations exactly one updates the row and stores the successor.
      if (affected) {
        await this.tokens.insert({ sessionId: row.sessionId, tokenHash: sha256(successor), retiredAt: null });
        await this.sessions.touch(row.session, client);
      }
    }
    if (Date.now() - retiredAt.getTime() > this.config.refreshGraceSeconds * 1000) {
      await this.sessions.revoke(row.sessionId);
      throw new OAuthError('invalid_grant', 'The refresh token was already used; the session has been ended.');
    }
    return { session: row.session, refreshToken: successor };
  }
}
