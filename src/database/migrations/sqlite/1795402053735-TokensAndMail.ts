import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TokensAndMail1795402053735 implements MigrationInterface {
  name = 'TokensAndMail1795402053735';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "one_time_tokens" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "purpose" varchar(32) NOT NULL, "token_hash" varchar(64) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "expires_at" datetime NOT NULL, "used_at" datetime)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_22e595d22f108ce4f2843e043a" ON "one_time_tokens" ("token_hash") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_c3008703af87258da5d23e5f75" ON "one_time_tokens" ("user_id", "purpose") `,
    );
    await queryRunner.query(
      `CREATE TABLE "refresh_tokens" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "session_id" varchar(36) NOT NULL, "token_hash" varchar(64) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "retired_at" datetime)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_3bf308fa93da3966f9e76fcfba" ON "refresh_tokens" ("session_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_a7838d2ba25be1342091b6695f" ON "refresh_tokens" ("token_hash") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_sessions" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_id" integer NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "revoked_at" datetime, "user_agent" varchar(512), "ip" varchar(64), "scope" varchar(200) NOT NULL DEFAULT (''), CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_sessions"("id", "user_id", "created_at", "last_used_at", "expires_at", "revoked_at", "user_agent", "ip") SELECT "id", "user_id", "created_at", "last_used_at", "expires_at", "revoked_at", "user_agent", "ip" FROM "sessions"`,
    );
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`ALTER TABLE "temporary_sessions" RENAME TO "sessions"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_22e595d22f108ce4f2843e043a"`);
    await queryRunner.query(`DROP INDEX "IDX_c3008703af87258da5d23e5f75"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_one_time_tokens" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "purpose" varchar(32) NOT NULL, "token_hash" varchar(64) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "expires_at" datetime NOT NULL, "used_at" datetime, CONSTRAINT "FK_0dc2deee64e514ad6f7e69504e1" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_one_time_tokens"("id", "user_id", "purpose", "token_hash", "created_at", "expires_at", "used_at") SELECT "id", "user_id", "purpose", "token_hash", "created_at", "expires_at", "used_at" FROM "one_time_tokens"`,
    );
    await queryRunner.query(`DROP TABLE "one_time_tokens"`);
    await queryRunner.query(`ALTER TABLE "temporary_one_time_tokens" RENAME TO "one_time_tokens"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_22e595d22f108ce4f2843e043a" ON "one_time_tokens" ("token_hash") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_c3008703af87258da5d23e5f75" ON "one_time_tokens" ("user_id", "purpose") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_3bf308fa93da3966f9e76fcfba"`);
    await queryRunner.query(`DROP INDEX "IDX_a7838d2ba25be1342091b6695f"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_refresh_tokens" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "session_id" varchar(36) NOT NULL, "token_hash" varchar(64) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "retired_at" datetime, CONSTRAINT "FK_3bf308fa93da3966f9e76fcfba4" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_refresh_tokens"("id", "session_id", "token_hash", "created_at", "retired_at") SELECT "id", "session_id", "token_hash", "created_at", "retired_at" FROM "refresh_tokens"`,
    );
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
    await queryRunner.query(`ALTER TABLE "temporary_refresh_tokens" RENAME TO "refresh_tokens"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_3bf308fa93da3966f9e76fcfba" ON "refresh_tokens" ("session_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_a7838d2ba25be1342091b6695f" ON "refresh_tokens" ("token_hash") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_a7838d2ba25be1342091b6695f"`);
    await queryRunner.query(`DROP INDEX "IDX_3bf308fa93da3966f9e76fcfba"`);
    await queryRunner.query(`ALTER TABLE "refresh_tokens" RENAME TO "temporary_refresh_tokens"`);
    await queryRunner.query(
      `CREATE TABLE "refresh_tokens" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "session_id" varchar(36) NOT NULL, "token_hash" varchar(64) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "retired_at" datetime)`,
    );
    await queryRunner.query(
      `INSERT INTO "refresh_tokens"("id", "session_id", "token_hash", "created_at", "retired_at") SELECT "id", "session_id", "token_hash", "created_at", "retired_at" FROM "temporary_refresh_tokens"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_refresh_tokens"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_a7838d2ba25be1342091b6695f" ON "refresh_tokens" ("token_hash") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_3bf308fa93da3966f9e76fcfba" ON "refresh_tokens" ("session_id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_c3008703af87258da5d23e5f75"`);
    await queryRunner.query(`DROP INDEX "IDX_22e595d22f108ce4f2843e043a"`);
    await queryRunner.query(`ALTER TABLE "one_time_tokens" RENAME TO "temporary_one_time_tokens"`);
    await queryRunner.query(
      `CREATE TABLE "one_time_tokens" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "purpose" varchar(32) NOT NULL, "token_hash" varchar(64) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "expires_at" datetime NOT NULL, "used_at" datetime)`,
    );
    await queryRunner.query(
      `INSERT INTO "one_time_tokens"("id", "user_id", "purpose", "token_hash", "created_at", "expires_at", "used_at") SELECT "id", "user_id", "purpose", "token_hash", "created_at", "expires_at", "used_at" FROM "temporary_one_time_tokens"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_one_time_tokens"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_c3008703af87258da5d23e5f75" ON "one_time_tokens" ("user_id", "purpose") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_22e595d22f108ce4f2843e043a" ON "one_time_tokens" ("token_hash") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"`);
    await queryRunner.query(`ALTER TABLE "sessions" RENAME TO "temporary_sessions"`);
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_id" integer NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "revoked_at" datetime, "user_agent" varchar(512), "ip" varchar(64), CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "sessions"("id", "user_id", "created_at", "last_used_at", "expires_at", "revoked_at", "user_agent", "ip") SELECT "id", "user_id", "created_at", "last_used_at", "expires_at", "revoked_at", "user_agent", "ip" FROM "temporary_sessions"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_sessions"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_a7838d2ba25be1342091b6695f"`);
    await queryRunner.query(`DROP INDEX "IDX_3bf308fa93da3966f9e76fcfba"`);
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
    await queryRunner.query(`DROP INDEX "IDX_c3008703af87258da5d23e5f75"`);
    await queryRunner.query(`DROP INDEX "IDX_22e595d22f108ce4f2843e043a"`);
    await queryRunner.query(`DROP TABLE "one_time_tokens"`);
  }
}
