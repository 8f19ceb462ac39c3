import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Keyword search: a pg_trgm GIN index serves `lower(label) LIKE '%…%'` (the entity's IDX_recipes_label_search). */
export class RecipeSearch1795403625801 implements MigrationInterface {
  name = 'RecipeSearch1795403625801';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // pg_trgm is a trusted extension: a database owner may create it without being a superuser.
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS "pg_trgm"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_recipes_label_search" ON "recipes" USING gin (lower("label") gin_trgm_ops)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_recipes_label_search"`);
    // The extension stays: other objects of the database may use it.
  }
}
