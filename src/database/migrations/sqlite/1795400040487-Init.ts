import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795400040487 implements MigrationInterface {
  name = 'Init1795400040487';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "users" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "email" varchar(320) NOT NULL, "hashed_password" varchar(255) NOT NULL, "first_name" varchar(100), "surname" varchar(100), "is_superuser" boolean NOT NULL DEFAULT (0), "is_active" boolean NOT NULL DEFAULT (1), "email_verified" boolean NOT NULL DEFAULT (0), "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_id" integer NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "revoked_at" datetime, "user_agent" varchar(512), "ip" varchar(64))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "recipes" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "label" varchar(256) NOT NULL, "source" varchar(256), "url" varchar(2048), "submitter_id" integer NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_recipes_submitter_id" ON "recipes" ("submitter_id", "id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_sessions" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_id" integer NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "revoked_at" datetime, "user_agent" varchar(512), "ip" varchar(64), CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_sessions"("id", "user_id", "created_at", "last_used_at", "expires_at", "revoked_at", "user_agent", "ip") SELECT "id", "user_id", "created_at", "last_used_at", "expires_at", "revoked_at", "user_agent", "ip" FROM "sessions"`,
    );
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`ALTER TABLE "temporary_sessions" RENAME TO "sessions"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_recipes_submitter_id"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_recipes" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "label" varchar(256) NOT NULL, "source" varchar(256), "url" varchar(2048), "submitter_id" integer NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "FK_6d98eea40a206525b966b41670e" FOREIGN KEY ("submitter_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_recipes"("id", "label", "source", "url", "submitter_id", "created_at", "updated_at") SELECT "id", "label", "source", "url", "submitter_id", "created_at", "updated_at" FROM "recipes"`,
    );
    await queryRunner.query(`DROP TABLE "recipes"`);
    await queryRunner.query(`ALTER TABLE "temporary_recipes" RENAME TO "recipes"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_recipes_submitter_id" ON "recipes" ("submitter_id", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_recipes_submitter_id"`);
    await queryRunner.query(`ALTER TABLE "recipes" RENAME TO "temporary_recipes"`);
    await queryRunner.query(
      `CREATE TABLE "recipes" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "label" varchar(256) NOT NULL, "source" varchar(256), "url" varchar(2048), "submitter_id" integer NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')))`,
    );
    await queryRunner.query(
      `INSERT INTO "recipes"("id", "label", "source", "url", "submitter_id", "created_at", "updated_at") SELECT "id", "label", "source", "url", "submitter_id", "created_at", "updated_at" FROM "temporary_recipes"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_recipes"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_recipes_submitter_id" ON "recipes" ("submitter_id", "id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"`);
    await queryRunner.query(`ALTER TABLE "sessions" RENAME TO "temporary_sessions"`);
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_id" integer NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "revoked_at" datetime, "user_agent" varchar(512), "ip" varchar(64))`,
    );
    await queryRunner.query(
      `INSERT INTO "sessions"("id", "user_id", "created_at", "last_used_at", "expires_at", "revoked_at", "user_agent", "ip") SELECT "id", "user_id", "created_at", "last_used_at", "expires_at", "revoked_at", "user_agent", "ip" FROM "temporary_sessions"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_sessions"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_recipes_submitter_id"`);
    await queryRunner.query(`DROP TABLE "recipes"`);
    await queryRunner.query(`DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
