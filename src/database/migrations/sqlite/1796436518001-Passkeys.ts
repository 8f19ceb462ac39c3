import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Passkeys1796436518001 implements MigrationInterface {
  name = 'Passkeys1796436518001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "passkey_challenges" ("id" varchar(32) PRIMARY KEY NOT NULL, "ceremony" varchar(10) NOT NULL, "user_id" integer, "challenge" varchar(128) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "expires_at" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_b8d4b209cde3a70790900a6035" ON "passkey_challenges" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_86f256b798ad789a88ec37744b" ON "passkey_challenges" ("expires_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "passkeys" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "credential_id" varchar(1400) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL, "transports" varchar(200) NOT NULL DEFAULT (''), "device_type" varchar(20) NOT NULL, "backed_up" boolean NOT NULL, "name" varchar(100) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_02227b9a8a34a808e3e23800b0" ON "passkeys" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_81b80835fab9dcadaebc6d168a" ON "passkeys" ("credential_id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_b8d4b209cde3a70790900a6035"`);
    await queryRunner.query(`DROP INDEX "IDX_86f256b798ad789a88ec37744b"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_passkey_challenges" ("id" varchar(32) PRIMARY KEY NOT NULL, "ceremony" varchar(10) NOT NULL, "user_id" integer, "challenge" varchar(128) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "expires_at" datetime NOT NULL, CONSTRAINT "FK_b8d4b209cde3a70790900a60354" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_passkey_challenges"("id", "ceremony", "user_id", "challenge", "created_at", "expires_at") SELECT "id", "ceremony", "user_id", "challenge", "created_at", "expires_at" FROM "passkey_challenges"`,
    );
    await queryRunner.query(`DROP TABLE "passkey_challenges"`);
    await queryRunner.query(
      `ALTER TABLE "temporary_passkey_challenges" RENAME TO "passkey_challenges"`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_b8d4b209cde3a70790900a6035" ON "passkey_challenges" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_86f256b798ad789a88ec37744b" ON "passkey_challenges" ("expires_at") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_02227b9a8a34a808e3e23800b0"`);
    await queryRunner.query(`DROP INDEX "IDX_81b80835fab9dcadaebc6d168a"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_passkeys" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "credential_id" varchar(1400) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL, "transports" varchar(200) NOT NULL DEFAULT (''), "device_type" varchar(20) NOT NULL, "backed_up" boolean NOT NULL, "name" varchar(100) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime, CONSTRAINT "FK_02227b9a8a34a808e3e23800b00" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_passkeys"("id", "user_id", "credential_id", "public_key", "counter", "transports", "device_type", "backed_up", "name", "created_at", "last_used_at") SELECT "id", "user_id", "credential_id", "public_key", "counter", "transports", "device_type", "backed_up", "name", "created_at", "last_used_at" FROM "passkeys"`,
    );
    await queryRunner.query(`DROP TABLE "passkeys"`);
    await queryRunner.query(`ALTER TABLE "temporary_passkeys" RENAME TO "passkeys"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_02227b9a8a34a808e3e23800b0" ON "passkeys" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_81b80835fab9dcadaebc6d168a" ON "passkeys" ("credential_id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_81b80835fab9dcadaebc6d168a"`);
    await queryRunner.query(`DROP INDEX "IDX_02227b9a8a34a808e3e23800b0"`);
    await queryRunner.query(`ALTER TABLE "passkeys" RENAME TO "temporary_passkeys"`);
    await queryRunner.query(
      `CREATE TABLE "passkeys" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "credential_id" varchar(1400) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL, "transports" varchar(200) NOT NULL DEFAULT (''), "device_type" varchar(20) NOT NULL, "backed_up" boolean NOT NULL, "name" varchar(100) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime)`,
    );
    await queryRunner.query(
      `INSERT INTO "passkeys"("id", "user_id", "credential_id", "public_key", "counter", "transports", "device_type", "backed_up", "name", "created_at", "last_used_at") SELECT "id", "user_id", "credential_id", "public_key", "counter", "transports", "device_type", "backed_up", "name", "created_at", "last_used_at" FROM "temporary_passkeys"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_passkeys"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_81b80835fab9dcadaebc6d168a" ON "passkeys" ("credential_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_02227b9a8a34a808e3e23800b0" ON "passkeys" ("user_id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_86f256b798ad789a88ec37744b"`);
    await queryRunner.query(`DROP INDEX "IDX_b8d4b209cde3a70790900a6035"`);
    await queryRunner.query(
      `ALTER TABLE "passkey_challenges" RENAME TO "temporary_passkey_challenges"`,
    );
    await queryRunner.query(
      `CREATE TABLE "passkey_challenges" ("id" varchar(32) PRIMARY KEY NOT NULL, "ceremony" varchar(10) NOT NULL, "user_id" integer, "challenge" varchar(128) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "expires_at" datetime NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "passkey_challenges"("id", "ceremony", "user_id", "challenge", "created_at", "expires_at") SELECT "id", "ceremony", "user_id", "challenge", "created_at", "expires_at" FROM "temporary_passkey_challenges"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_passkey_challenges"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_86f256b798ad789a88ec37744b" ON "passkey_challenges" ("expires_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_b8d4b209cde3a70790900a6035" ON "passkey_challenges" ("user_id") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_81b80835fab9dcadaebc6d168a"`);
    await queryRunner.query(`DROP INDEX "IDX_02227b9a8a34a808e3e23800b0"`);
    await queryRunner.query(`DROP TABLE "passkeys"`);
    await queryRunner.query(`DROP INDEX "IDX_86f256b798ad789a88ec37744b"`);
    await queryRunner.query(`DROP INDEX "IDX_b8d4b209cde3a70790900a6035"`);
    await queryRunner.query(`DROP TABLE "passkey_challenges"`);
  }
}
