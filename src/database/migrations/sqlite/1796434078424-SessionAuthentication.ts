import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SessionAuthentication1796434078424 implements MigrationInterface {
  name = 'SessionAuthentication1796434078424';

  // Sessions started before this migration count their login as when they started.
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_sessions" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_id" integer NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "revoked_at" datetime, "user_agent" varchar(512), "ip" varchar(64), "scope" varchar(200) NOT NULL DEFAULT (''), "auth_time" datetime NOT NULL DEFAULT (CURRENT_TIMESTAMP), "amr" varchar(32) NOT NULL DEFAULT ('pwd'), CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_sessions"("id", "user_id", "created_at", "last_used_at", "expires_at", "revoked_at", "user_agent", "ip", "scope", "auth_time") SELECT "id", "user_id", "created_at", "last_used_at", "expires_at", "revoked_at", "user_agent", "ip", "scope", "created_at" FROM "sessions"`,
    );
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`ALTER TABLE "temporary_sessions" RENAME TO "sessions"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"`);
    await queryRunner.query(`ALTER TABLE "sessions" RENAME TO "temporary_sessions"`);
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_id" integer NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "revoked_at" datetime, "user_agent" varchar(512), "ip" varchar(64), "scope" varchar(200) NOT NULL DEFAULT (''), CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "sessions"("id", "user_id", "created_at", "last_used_at", "expires_at", "revoked_at", "user_agent", "ip", "scope") SELECT "id", "user_id", "created_at", "last_used_at", "expires_at", "revoked_at", "user_agent", "ip", "scope" FROM "temporary_sessions"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_sessions"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id") `,
    );
  }
}
