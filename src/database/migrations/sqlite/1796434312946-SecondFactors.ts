import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SecondFactors1796434312946 implements MigrationInterface {
  name = 'SecondFactors1796434312946';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "mfa_challenges" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "token_hash" varchar(64) NOT NULL, "scope" varchar(200) NOT NULL DEFAULT (''), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "expires_at" datetime NOT NULL, "used_at" datetime)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_1715663f6483821e6af6132b35" ON "mfa_challenges" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_cf5f2cdf8d418c02661b06a931" ON "mfa_challenges" ("token_hash") `,
    );
    await queryRunner.query(
      `CREATE TABLE "recovery_codes" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "code_hash" varchar(64) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "used_at" datetime)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_d07c335ded337e58c4f36f234d" ON "recovery_codes" ("user_id", "code_hash") `,
    );
    await queryRunner.query(
      `CREATE TABLE "totp_factors" ("user_id" integer PRIMARY KEY NOT NULL, "encrypted_secret" varchar(255) NOT NULL, "enabled_at" datetime, "last_used_step" integer, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`,
    );
    await queryRunner.query(`DROP INDEX "IDX_1715663f6483821e6af6132b35"`);
    await queryRunner.query(`DROP INDEX "IDX_cf5f2cdf8d418c02661b06a931"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_mfa_challenges" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "token_hash" varchar(64) NOT NULL, "scope" varchar(200) NOT NULL DEFAULT (''), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "expires_at" datetime NOT NULL, "used_at" datetime, CONSTRAINT "FK_1715663f6483821e6af6132b35b" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_mfa_challenges"("id", "user_id", "token_hash", "scope", "created_at", "expires_at", "used_at") SELECT "id", "user_id", "token_hash", "scope", "created_at", "expires_at", "used_at" FROM "mfa_challenges"`,
    );
    await queryRunner.query(`DROP TABLE "mfa_challenges"`);
    await queryRunner.query(`ALTER TABLE "temporary_mfa_challenges" RENAME TO "mfa_challenges"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_1715663f6483821e6af6132b35" ON "mfa_challenges" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_cf5f2cdf8d418c02661b06a931" ON "mfa_challenges" ("token_hash") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_d07c335ded337e58c4f36f234d"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_recovery_codes" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "code_hash" varchar(64) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "used_at" datetime, CONSTRAINT "FK_fb82b2ac740ca095b617afad031" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_recovery_codes"("id", "user_id", "code_hash", "created_at", "used_at") SELECT "id", "user_id", "code_hash", "created_at", "used_at" FROM "recovery_codes"`,
    );
    await queryRunner.query(`DROP TABLE "recovery_codes"`);
    await queryRunner.query(`ALTER TABLE "temporary_recovery_codes" RENAME TO "recovery_codes"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_d07c335ded337e58c4f36f234d" ON "recovery_codes" ("user_id", "code_hash") `,
    );
    await queryRunner.query(
      `CREATE TABLE "temporary_totp_factors" ("user_id" integer PRIMARY KEY NOT NULL, "encrypted_secret" varchar(255) NOT NULL, "enabled_at" datetime, "last_used_step" integer, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "FK_eded11141800ddff9dfbd017fd2" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_totp_factors"("user_id", "encrypted_secret", "enabled_at", "last_used_step", "created_at") SELECT "user_id", "encrypted_secret", "enabled_at", "last_used_step", "created_at" FROM "totp_factors"`,
    );
    await queryRunner.query(`DROP TABLE "totp_factors"`);
    await queryRunner.query(`ALTER TABLE "temporary_totp_factors" RENAME TO "totp_factors"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "totp_factors" RENAME TO "temporary_totp_factors"`);
    await queryRunner.query(
      `CREATE TABLE "totp_factors" ("user_id" integer PRIMARY KEY NOT NULL, "encrypted_secret" varchar(255) NOT NULL, "enabled_at" datetime, "last_used_step" integer, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`,
    );
    await queryRunner.query(
      `INSERT INTO "totp_factors"("user_id", "encrypted_secret", "enabled_at", "last_used_step", "created_at") SELECT "user_id", "encrypted_secret", "enabled_at", "last_used_step", "created_at" FROM "temporary_totp_factors"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_totp_factors"`);
    await queryRunner.query(`DROP INDEX "IDX_d07c335ded337e58c4f36f234d"`);
    await queryRunner.query(`ALTER TABLE "recovery_codes" RENAME TO "temporary_recovery_codes"`);
    await queryRunner.query(
      `CREATE TABLE "recovery_codes" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "code_hash" varchar(64) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "used_at" datetime)`,
    );
    await queryRunner.query(
      `INSERT INTO "recovery_codes"("id", "user_id", "code_hash", "created_at", "used_at") SELECT "id", "user_id", "code_hash", "created_at", "used_at" FROM "temporary_recovery_codes"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_recovery_codes"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_d07c335ded337e58c4f36f234d" ON "recovery_codes" ("user_id", "code_hash") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_cf5f2cdf8d418c02661b06a931"`);
    await queryRunner.query(`DROP INDEX "IDX_1715663f6483821e6af6132b35"`);
    await queryRunner.query(`ALTER TABLE "mfa_challenges" RENAME TO "temporary_mfa_challenges"`);
    await queryRunner.query(
      `CREATE TABLE "mfa_challenges" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "token_hash" varchar(64) NOT NULL, "scope" varchar(200) NOT NULL DEFAULT (''), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "expires_at" datetime NOT NULL, "used_at" datetime)`,
    );
    await queryRunner.query(
      `INSERT INTO "mfa_challenges"("id", "user_id", "token_hash", "scope", "created_at", "expires_at", "used_at") SELECT "id", "user_id", "token_hash", "scope", "created_at", "expires_at", "used_at" FROM "temporary_mfa_challenges"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_mfa_challenges"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_cf5f2cdf8d418c02661b06a931" ON "mfa_challenges" ("token_hash") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_1715663f6483821e6af6132b35" ON "mfa_challenges" ("user_id") `,
    );
    await queryRunner.query(`DROP TABLE "totp_factors"`);
    await queryRunner.query(`DROP INDEX "IDX_d07c335ded337e58c4f36f234d"`);
    await queryRunner.query(`DROP TABLE "recovery_codes"`);
    await queryRunner.query(`DROP INDEX "IDX_cf5f2cdf8d418c02661b06a931"`);
    await queryRunner.query(`DROP INDEX "IDX_1715663f6483821e6af6132b35"`);
    await queryRunner.query(`DROP TABLE "mfa_challenges"`);
  }
}
