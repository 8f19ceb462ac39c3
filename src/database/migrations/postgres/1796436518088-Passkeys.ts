import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Passkeys1796436518088 implements MigrationInterface {
  name = 'Passkeys1796436518088';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "passkey_challenges" ("id" character varying(32) NOT NULL, "ceremony" character varying(10) NOT NULL, "user_id" integer, "challenge" character varying(128) NOT NULL, "created_at" TIMESTAMP NOT NULL DEFAULT now(), "expires_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_6e53152b7ac3d0c599f2cffdd7e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_b8d4b209cde3a70790900a6035" ON "passkey_challenges"  ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_86f256b798ad789a88ec37744b" ON "passkey_challenges"  ("expires_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "passkeys" ("id" SERIAL NOT NULL, "user_id" integer NOT NULL, "credential_id" character varying(1400) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL, "transports" character varying(200) NOT NULL DEFAULT '', "device_type" character varying(20) NOT NULL, "backed_up" boolean NOT NULL, "name" character varying(100) NOT NULL, "created_at" TIMESTAMP NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP, CONSTRAINT "PK_db928e6fd79e7098911268a74c3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_02227b9a8a34a808e3e23800b0" ON "passkeys"  ("user_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_81b80835fab9dcadaebc6d168a" ON "passkeys"  ("credential_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "passkey_challenges" ADD CONSTRAINT "FK_b8d4b209cde3a70790900a60354" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "passkeys" ADD CONSTRAINT "FK_02227b9a8a34a808e3e23800b00" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "passkeys" DROP CONSTRAINT "FK_02227b9a8a34a808e3e23800b00"`,
    );
    await queryRunner.query(
      `ALTER TABLE "passkey_challenges" DROP CONSTRAINT "FK_b8d4b209cde3a70790900a60354"`,
    );
    await queryRunner.query(`DROP INDEX "public"."IDX_81b80835fab9dcadaebc6d168a"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_02227b9a8a34a808e3e23800b0"`);
    await queryRunner.query(`DROP TABLE "passkeys"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_86f256b798ad789a88ec37744b"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_b8d4b209cde3a70790900a6035"`);
    await queryRunner.query(`DROP TABLE "passkey_challenges"`);
  }
}
