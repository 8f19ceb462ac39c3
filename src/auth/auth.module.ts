import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../mail/mail.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountController } from './account.controller.js';
import { AccountService } from './account.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwksController } from './jwks.controller.js';
import { RefreshCookie } from './refresh-cookie.js';
import { RefreshToken } from './refresh-token.entity.js';
import { RefreshTokensService } from './refresh-tokens.service.js';
import { SessionsController } from './sessions.controller.js';
import { OneTimeToken } from './one-time-token.entity.js';
import { OneTimeTokensService } from './one-time-tokens.service.js';
import { SessionsModule } from './sessions.module.js';
import { LocalStrategy } from './strategies/local.strategy.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { TokensService } from './tokens.service.js';

@Module({
  imports: [
    UsersModule,
    SessionsModule,
    PassportModule,
    MailModule,
    TypeOrmModule.forFeature([OneTimeToken]),
    TypeOrmModule.forFeature([RefreshToken]),
  ],
  controllers: [AuthController, SessionsController, AccountController, JwksController],
  providers: [AuthService, TokensService, RefreshTokensService, RefreshCookie, LocalStrategy, JwtStrategy, AccountService, OneTimeTokensService],
})
export class AuthModule {}
