import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { User } from '../users/user.entity.js';

/** A user's TOTP authenticator (RFC 6238): pending until a first code confirms it. */
@Entity('totp_factors')
export class TotpFactor {
  @PrimaryColumn({ name: 'user_id', type: 'integer' })
  userId: number;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** The shared secret, AES-256-GCM encrypted (MfaCrypto); never sent again after enrollment. */
  @Column({ name: 'encrypted_secret', type: 'varchar', length: 255 })
  encryptedSecret: string;

  /** When a code confirmed the enrollment; null while pending. */
  @Column({ name: 'enabled_at', type: Date, nullable: true })
  enabledAt: Date | null;

  /** The 30-second step of the last code accepted: a code of that step or an earlier one is a replay. */
  @Column({ name: 'last_used_step', type: 'integer', nullable: true })
  lastUsedStep: number | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
