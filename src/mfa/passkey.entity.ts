import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../users/user.entity.js';

/** A WebAuthn credential (passkey) a user registered: enough to verify its signatures at login. */
@Entity('passkeys')
export class Passkey {
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** The authenticator's credential id, base64url, as the browser sends it back at login. */
  @Index({ unique: true })
  @Column({ name: 'credential_id', type: 'varchar', length: 1400 })
  credentialId: string;

  /** The COSE public key, base64url. */
  @Column({ name: 'public_key', type: 'text' })
  publicKey: string;

  /** The signature counter last seen (0 for authenticators that keep none). */
  @Column({ type: 'bigint', transformer: { to: (n: number) => n, from: (v: string) => Number(v) } })
  counter: number;

  /** Transports the browser reported (usb, nfc, ble, internal, hybrid…), comma-separated. */
  @Column({ type: 'varchar', length: 200, default: '' })
  transports: string;

  /** 'singleDevice' or 'multiDevice' (synced passkey). */
  @Column({ name: 'device_type', type: 'varchar', length: 20 })
  deviceType: string;

  @Column({ name: 'backed_up', type: 'boolean' })
  backedUp: boolean;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: Date, nullable: true })
  lastUsedAt: Date | null;
}
