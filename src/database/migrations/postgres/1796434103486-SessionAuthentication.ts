import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SessionAuthentication1796434103486 implements MigrationInterface {
  name = 'SessionAuthentication1796434103486';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Sessions started before this migration count their login as when they started.
    await queryRunner.query(`ALTER TABLE "sessions" ADD "auth_time" TIMESTAMP`);
    await queryRunner.query(`UPDATE "sessions" SET "auth_time" = "created_at"`);
    await queryRunner.query(`ALTER TABLE "sessions" ALTER COLUMN "auth_time" SET NOT NULL`);
    // The previous version does not set it: its instances keep logging in during a rolling upgrade.
    await queryRunner.query(`ALTER TABLE "sessions" ALTER COLUMN "auth_time" SET DEFAULT now()`);
    await queryRunner.query(
      `ALTER TABLE "sessions" ADD "amr" character varying(32) NOT NULL DEFAULT 'pwd'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "amr"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "auth_time"`);
  }
}
