import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { User } from '../users/user.entity.js';

@Entity('recipes')
@Index('IDX_recipes_submitter_id', ['submitterId', 'id'])
// Keyword search: a pg_trgm GIN index on lower(label) on PostgreSQL, an FTS5 trigram table on
// SQLite. TypeORM cannot describe either; the migrations make them and schema sync leaves them be.
@Index('IDX_recipes_label_search', { synchronize: false })
export class Recipe {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 256 })
  label: string;

  @Column({ type: 'varchar', length: 256, nullable: true })
  source: string | null;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  url: string | null;

  @Column({ name: 'submitter_id', type: 'integer' })
  submitterId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'submitter_id' })
  submitter?: User;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
