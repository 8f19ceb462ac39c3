import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { IsNull, type Repository } from 'typeorm';
import { MfaCrypto } from './mfa-crypto.js';
import { RecoveryCode } from './recovery-code.entity.js';

export const RECOVERY_CODES = 10;

/** The one writer of `recovery_codes`: issued ten at a time, kept as hashes, each accepted once. */
@Injectable()
export class RecoveryCodesService {
  constructor(
    private readonly db: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly crypto: MfaCrypto,
  ) {}

  private get codes(): Repository<RecoveryCode> {
    return this.db.tx.getRepository(RecoveryCode);
  }

  /** New codes for the user, replacing any earlier ones; the plain codes exist only in the answer. */
  async replace(userId: number): Promise<string[]> {
    const codes = this.crypto.newRecoveryCodes(RECOVERY_CODES);
    await this.codes.delete({ userId });
    await this.codes.insert(
      codes.map((code) => ({ userId, codeHash: this.crypto.hashRecoveryCode(code), usedAt: null })),
    );
    return codes;
  }

  /** Spends `code` if it is one of the user's unused codes (one statement: parallel uses cannot both pass). */
  async use(userId: number, code: string): Promise<boolean> {
    const { affected } = await this.codes.update(
      { userId, codeHash: this.crypto.hashRecoveryCode(code), usedAt: IsNull() },
      { usedAt: new Date() },
    );
    return affected === 1;
  }

  async removeAll(userId: number): Promise<void> {
    await this.codes.delete({ userId });
  }
}
