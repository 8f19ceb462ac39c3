import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { User } from '../users/user.entity.js';

export type PasskeyCeremony = 'register' | 'login';

/**
 * A WebAuthn challenge the server handed out: single use, five minutes. A registration's is
 * bound to its user; a login's to nobody until the passkey that answers it names its user.
 */
@Entity('passkey_challenges')
export class PasskeyChallenge {
  /** Random, 128 bits, base64url: the `challenge_id` of a login. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  @Column({ type: 'varchar', length: 10 })
  ceremony: PasskeyCeremony;

  /** The user a registration is for; null for a login. */
  @Index()
  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId: number | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** The challenge itself, base64url. */
  @Column({ type: 'varchar', length: 128 })
  challenge: string;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @Index()
  @Column({ name: 'expires_at', type: Date })
  expiresAt: Date;
}
