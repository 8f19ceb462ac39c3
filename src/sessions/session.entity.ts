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

/** One login: the access token's `sid` names it; revoking it kills its tokens at once. */
@Entity('sessions')
export class Session {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index()
  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: Date })
  lastUsedAt: Date;

  @Column({ name: 'expires_at', type: Date })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: Date, nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  /**
   * When the user authenticated to start this session: `auth_time` of every token it issues. The
   * default lets an instance of the previous version, which does not set it, still log in while
   * a rolling upgrade runs.
   */
  @Column({ name: 'auth_time', type: Date, default: () => 'CURRENT_TIMESTAMP' })
  authTime: Date;

  /** How they authenticated (RFC 8176 `amr` values, space-separated), e.g. "pwd otp". */
  @Column({ type: 'varchar', length: 32, default: 'pwd' })
  amr: string;

  /** The scopes granted at login; refreshed access tokens carry the same. */
  @Column({ type: 'varchar', length: 200, default: '' })
  scope: string;
}
