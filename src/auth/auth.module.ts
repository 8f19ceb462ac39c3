import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { MailModule } from '../mail/mail.module.js';
import { MfaModule } from '../mfa/mfa.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountController } from './account.controller.js';
import { AccountService } from './account.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwksController } from './jwks.controller.js';
import { MfaLoginController } from './mfa-login.controller.js';
import { OneTimeTokensService } from './one-time-tokens.service.js';
import { PasskeyLoginController } from './passkey-login.controller.js';
import { RefreshCookie } from './refresh-cookie.js';
import { LocalStrategy } from './strategies/local.strategy.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { TokensService } from './tokens.service.js';

/** Login, tokens and mailed links, built on users and sessions (never the reverse). */
@Module({
  imports: [UsersModule, SessionsModule, PassportModule, MailModule, MfaModule],
  controllers: [
    AuthController,
    MfaLoginController,
    PasskeyLoginController,
    AccountController,
    JwksController,
  ],
  providers: [
    AuthService,
    TokensService,
    RefreshCookie,
    LocalStrategy,
    JwtStrategy,
    AccountService,
    OneTimeTokensService,
  ],
  // Real-time sockets check access tokens exactly as the HTTP routes do.
  exports: [JwtStrategy],
})
export class AuthModule {}
