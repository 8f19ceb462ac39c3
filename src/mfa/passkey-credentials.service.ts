import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { Repository } from 'typeorm';
import { Passkey } from './passkey.entity.js';

export type NewPasskey = Pick<
  Passkey,
  | 'userId'
  | 'credentialId'
  | 'publicKey'
  | 'counter'
  | 'transports'
  | 'deviceType'
  | 'backedUp'
  | 'name'
>;

/** The one writer of `passkeys`: registered WebAuthn credentials and their signature counters. */
@Injectable()
export class PasskeyCredentialsService {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get passkeys(): Repository<Passkey> {
    return this.db.tx.getRepository(Passkey);
  }

  list(userId: number): Promise<Passkey[]> {
    return this.passkeys.find({ where: { userId }, order: { id: 'ASC' } });
  }

  findByCredentialId(credentialId: string): Promise<Passkey | null> {
    return this.passkeys.findOneBy({ credentialId });
  }

  async add(passkey: NewPasskey): Promise<Passkey> {
    const row = this.passkeys.create({ ...passkey, lastUsedAt: null });
    return this.passkeys.save(row);
  }

  /**
   * Records a login: the new counter, the backup state, the time. False when another login moved
   * the counter meanwhile (the one that lost is refused, as a cloned authenticator would be).
   */
  async recordUse(passkey: Passkey, counter: number, backedUp: boolean): Promise<boolean> {
    const { affected } = await this.passkeys.update(
      { id: passkey.id, counter: passkey.counter },
      { counter, backedUp, lastUsedAt: new Date() },
    );
    return affected === 1;
  }

  /** Removes every passkey of the user (an administrator's reset); true when there was one. */
  async removeAll(userId: number): Promise<boolean> {
    const { affected } = await this.passkeys.delete({ userId });
    return Boolean(affected);
  }

  async remove(userId: number, id: number): Promise<boolean> {
    const { affected } = await this.passkeys.delete({ userId, id });
    return Boolean(affected);
  }
}
