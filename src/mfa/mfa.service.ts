import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable, Logger } from '@nestjs/common';
import { DomainError, NotFoundError, ValidationError } from '../common/errors/domain.error.js';
import { MailService } from '../mail/mail.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { totpEnabledMail, totpRemovedMail } from './mfa-mails.js';
import { OtpAttemptsService } from './otp-attempts.service.js';
import { PasskeyCredentialsService } from './passkey-credentials.service.js';
import { RecoveryCodesService } from './recovery-codes.service.js';
import { TotpFactorsService, type TotpEnrollment } from './totp-factors.service.js';

/** `passkey`: one or more passkeys, which log in on their own or as the second step of a password login. */
export type Factor = 'totp' | 'passkey';

export interface MfaStatus {
  factors: Factor[];
  recoveryCodesRemaining: number;
}

/** A second factor as the login step sends it: an authenticator code or a recovery code. */
export interface SecondFactor {
  code?: string | undefined;
  recovery_code?: string | undefined;
}

const WRONG_CODE = 'the code is not correct';

/** Second factors: enrollment, removal (self or administrator), and the check at login. */
@Injectable()
export class MfaService {
  private readonly logger = new Logger(MfaService.name);

  constructor(
    private readonly db: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly totp: TotpFactorsService,
    private readonly recoveryCodes: RecoveryCodesService,
    private readonly attempts: OtpAttemptsService,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly mail: MailService,
    private readonly passkeys: PasskeyCredentialsService,
  ) {}

  /** One query: GET /auth/me asks on every call. */
  async status(userId: number): Promise<MfaStatus> {
    const row = await this.db.tx
      .createQueryBuilder()
      .select(
        'EXISTS (SELECT 1 FROM totp_factors t WHERE t.user_id = :id AND t.enabled_at IS NOT NULL)',
        'totp',
      )
      .addSelect('EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = :id)', 'passkey')
      .addSelect(
        '(SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = :id AND r.used_at IS NULL)',
        'codes',
      )
      .from('users', 'u')
      .where('u.id = :id', { id: userId })
      .getRawOne<{ totp: unknown; passkey: unknown; codes: unknown }>();
    // SQLite answers 0/1 and a number, PostgreSQL booleans and a bigint string.
    const totp = Number(row?.totp ?? 0) === 1;
    const passkey = Number(row?.passkey ?? 0) === 1;
    const recoveryCodesRemaining = Number(row?.codes ?? 0);
    const factors: Factor[] = [
      ...(totp ? ['totp' as const] : []),
      ...(passkey ? ['passkey' as const] : []),
    ];
    return { factors, recoveryCodesRemaining };
  }

  /** Whether a password login needs a second step: an authenticator app or a passkey. */
  async hasFactor(userId: number): Promise<boolean> {
    return (await this.status(userId)).factors.length > 0;
  }

  /** A new pending TOTP secret; refused while one is enabled (remove it first). */
  async enrollTotp(user: User): Promise<TotpEnrollment> {
    await this.refuseWhenEnabled(user.id);
    return this.totp.startEnrollment(user);
  }

  /**
   * The first code from the app enables TOTP: ten recovery codes replace any earlier ones, and
   * every other session of the user ends (one commit); the user is told by mail.
   */
  async confirmTotp(user: User, sessionId: string, code: string): Promise<string[]> {
    await this.refuseWhenEnabled(user.id);
    await this.attempts.begin(user.id);
    const codes = await this.db.withTransaction(async () => {
      if (!(await this.totp.accept(user.id, code, true))) return null;
      await this.sessions.revokeAll(user.id, sessionId);
      return this.recoveryCodes.replace(user.id);
    });
    if (!codes) throw new ValidationError([{ field: 'code', message: WRONG_CODE }]);
    await this.attempts.clear(user.id);
    this.mail.send(totpEnabledMail(user.email));
    return codes;
  }

  /** Removes the user's TOTP and recovery codes; ends every other session and tells the user. */
  async removeTotp(user: User, sessionId: string): Promise<void> {
    await this.removeFactors(user, sessionId);
  }

  /** An administrator's reset: the factors (passkeys too) go, and every session of the user with them. */
  async resetFactors(userId: number, adminId: number): Promise<void> {
    const user = await this.users.get(userId);
    await this.removeFactors(user, undefined, true);
    this.logger.log(
      { event: 'mfa.reset', userId, adminId },
      'second factors reset by an administrator',
    );
  }

  /**
   * Checks the second step of a login for `userId`: exactly one of a TOTP code (replay refused)
   * or an unused recovery code (spent). Wrong ones count towards the per-account limit.
   */
  async verifySecondFactor(
    userId: number,
    { code, recovery_code }: SecondFactor,
  ): Promise<boolean> {
    if ((code === undefined) === (recovery_code === undefined)) {
      throw new ValidationError([
        { field: 'code', message: 'send either code or recovery_code, not both' },
      ]);
    }
    await this.attempts.begin(userId);
    const accepted =
      code !== undefined
        ? await this.totp.accept(userId, code)
        : await this.recoveryCodes.use(userId, recovery_code!);
    if (accepted) await this.attempts.clear(userId);
    return accepted;
  }

  private async refuseWhenEnabled(userId: number): Promise<void> {
    if (await this.totp.isEnabled(userId)) {
      throw new DomainError(
        409,
        'totp-already-enabled',
        'An authenticator app is already enabled: remove it first.',
      );
    }
  }

  private async removeFactors(
    user: User,
    keepSessionId?: string,
    withPasskeys = false,
  ): Promise<void> {
    const removed = await this.db.withTransaction(async () => {
      const enabled = await this.totp.isEnabled(user.id);
      await this.totp.remove(user.id); // a pending enrollment goes too
      const passkeys = withPasskeys && (await this.passkeys.removeAll(user.id));
      if (!enabled && !passkeys) return false;
      await this.recoveryCodes.removeAll(user.id);
      await this.sessions.revokeAll(user.id, keepSessionId);
      return true;
    });
    if (!removed) throw new NotFoundError('An enabled second factor');
    this.mail.send(totpRemovedMail(user.email, keepSessionId === undefined));
  }
}
