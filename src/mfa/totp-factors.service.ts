import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { IsNull, Not, type Repository } from 'typeorm';
import type { User } from '../users/user.entity.js';
import { MfaCrypto } from './mfa-crypto.js';
import { TotpFactor } from './totp-factor.entity.js';

export const TOTP_ISSUER = 'Recipe API';
const PERIOD = 30;

// RFC 6238 with the parameters every authenticator app supports: SHA-1, 6 digits, 30 s.
const totpOf = (secret: Secret, label = '') =>
  new TOTP({ issuer: TOTP_ISSUER, label, secret, algorithm: 'SHA1', digits: 6, period: PERIOD });

export interface TotpEnrollment {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
}

/** The one writer of `totp_factors`: enrollment, confirmation, code checks with replay refusal. */
@Injectable()
export class TotpFactorsService {
  constructor(
    private readonly db: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly crypto: MfaCrypto,
  ) {}

  private get factors(): Repository<TotpFactor> {
    return this.db.tx.getRepository(TotpFactor);
  }

  isEnabled(userId: number): Promise<boolean> {
    return this.factors.existsBy({ userId, enabledAt: Not(IsNull()) });
  }

  /** A new pending secret for `user` (replacing a pending one), shown this once. */
  async startEnrollment(user: User): Promise<TotpEnrollment> {
    const secret = new Secret({ size: 20 });
    await this.factors.upsert(
      {
        userId: user.id,
        encryptedSecret: this.crypto.encryptSecret(secret.bytes, user.id),
        enabledAt: null,
        lastUsedStep: null,
      },
      ['userId'],
    );
    const otpauthUri = totpOf(secret, user.email).toString();
    const svg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M' });
    return {
      secret: secret.base32,
      otpauthUri,
      qrSvg: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    };
  }

  /**
   * Accepts `code` when it matches the user's secret at this step or the one before or after, and
   * no code of that step or a later one was accepted before (RFC 6238 §5.2: each code works once).
   * `pending`: check the enrollment still waiting for its first code instead of the enabled one.
   */
  async accept(userId: number, code: string, pending = false): Promise<boolean> {
    const factor = await this.factors.findOneBy({
      userId,
      enabledAt: pending ? IsNull() : Not(IsNull()),
    });
    if (!factor) return false;
    const secret = new Secret({
      buffer: toArrayBuffer(this.crypto.decryptSecret(factor.encryptedSecret, userId)),
    });
    const now = Date.now();
    const delta = totpOf(secret).validate({ token: code, timestamp: now, window: 1 });
    if (delta === null) return false;
    const step = Math.floor(now / 1000 / PERIOD) + delta;
    // The step is claimed in one statement, so two requests with one code cannot both pass.
    const { affected } = await this.factors
      .createQueryBuilder()
      .update()
      .set({ lastUsedStep: step, ...(pending && { enabledAt: new Date() }) })
      .where('user_id = :userId AND encrypted_secret = :secret', {
        userId,
        secret: factor.encryptedSecret,
      })
      .andWhere('(last_used_step IS NULL OR last_used_step < :step)', { step })
      .execute();
    return affected === 1;
  }

  async remove(userId: number): Promise<boolean> {
    const { affected } = await this.factors.delete({ userId });
    return Boolean(affected);
  }
}

const toArrayBuffer = (bytes: Uint8Array) =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
