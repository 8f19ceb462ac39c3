import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { authConfig } from '../config/configuration.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { SessionsModule } from './sessions.module.js';
import { LocalStrategy } from './strategies/local.strategy.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { jwtOptions, TokensService } from './tokens.service.js';

@Module({
  imports: [
    UsersModule,
    SessionsModule,
    PassportModule,
    JwtModule.registerAsync({ inject: [authConfig.KEY], useFactory: jwtOptions }),
  ],
  controllers: [AuthController],
  providers: [AuthService, TokensService, LocalStrategy, JwtStrategy],
})
export class AuthModule {}
