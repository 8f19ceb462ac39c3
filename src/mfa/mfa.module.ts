import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../mail/mail.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { MfaAdminController } from './mfa-admin.controller.js';
import { MfaChallenge } from './mfa-challenge.entity.js';
import { MfaChallengesService } from './mfa-challenges.service.js';
import { MfaController } from './mfa.controller.js';
import { MfaCrypto } from './mfa-crypto.js';
import { MfaService } from './mfa.service.js';
import { OtpAttemptsService } from './otp-attempts.service.js';
import { PasskeyChallenge } from './passkey-challenge.entity.js';
import { PasskeyChallengesService } from './passkey-challenges.service.js';
import { PasskeyCredentialsService } from './passkey-credentials.service.js';
import { Passkey } from './passkey.entity.js';
import { PasskeysController } from './passkeys.controller.js';
import { PasskeysService } from './passkeys.service.js';
import { RecoveryCode } from './recovery-code.entity.js';
import { RecoveryCodesService } from './recovery-codes.service.js';
import { TotpFactor } from './totp-factor.entity.js';
import { TotpFactorsService } from './totp-factors.service.js';

/** Second factors (TOTP, recovery codes, passkeys) and the mfa_token between login's two steps; auth builds on it. */
@Module({
  imports: [
    TypeOrmModule.forFeature([TotpFactor, RecoveryCode, MfaChallenge, Passkey, PasskeyChallenge]),
    UsersModule,
    SessionsModule,
    MailModule,
  ],
  controllers: [MfaController, MfaAdminController, PasskeysController],
  providers: [
    MfaService,
    MfaCrypto,
    TotpFactorsService,
    RecoveryCodesService,
    MfaChallengesService,
    OtpAttemptsService,
    PasskeyChallengesService,
    PasskeyCredentialsService,
    PasskeysService,
  ],
  exports: [MfaService, MfaChallengesService, PasskeysService],
})
export class MfaModule {}
