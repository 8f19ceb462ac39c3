import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keyword search: an FTS5 trigram index over recipes.label (external content, kept in step by
 * triggers). A later migration that rebuilds "recipes" (TypeORM's way of altering a SQLite
 * table) drops these triggers with the table and must create them again.
 */
export class RecipeSearch1795403625801 implements MigrationInterface {
  name = 'RecipeSearch1795403625801';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE VIRTUAL TABLE "recipes_fts" USING fts5("label", content='recipes', content_rowid='id', tokenize='trigram case_sensitive 0')`,
    );
    await queryRunner.query(`INSERT INTO "recipes_fts"("recipes_fts") VALUES ('rebuild')`);
    await queryRunner.query(
      `CREATE TRIGGER "recipes_fts_insert" AFTER INSERT ON "recipes" BEGIN INSERT INTO "recipes_fts"("rowid", "label") VALUES (new."id", new."label"); END`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "recipes_fts_delete" AFTER DELETE ON "recipes" BEGIN INSERT INTO "recipes_fts"("recipes_fts", "rowid", "label") VALUES ('delete', old."id", old."label"); END`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "recipes_fts_update" AFTER UPDATE OF "label" ON "recipes" BEGIN INSERT INTO "recipes_fts"("recipes_fts", "rowid", "label") VALUES ('delete', old."id", old."label"); INSERT INTO "recipes_fts"("rowid", "label") VALUES (new."id", new."label"); END`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "recipes_fts_update"`);
    await queryRunner.query(`DROP TRIGGER "recipes_fts_delete"`);
    await queryRunner.query(`DROP TRIGGER "recipes_fts_insert"`);
    await queryRunner.query(`DROP TABLE "recipes_fts"`);
  }
}
