import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { SessionsModule } from './sessions.module.js';
import { LocalStrategy } from './strategies/local.strategy.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { ACCESS_TOKEN_TYP, TokensService } from './tokens.service.js';

@Module({
  imports: [
    UsersModule,
    SessionsModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [authConfig.KEY],
      useFactory: (config: AuthConfig) => ({
        secret: createSecretKey(Buffer.from(config.secret)),
        signOptions: {
          algorithm: config.algorithm,
          issuer: config.issuer,
          audience: config.audience,
          expiresIn: config.accessTokenMinutes * 60,
          header: { alg: config.algorithm, typ: ACCESS_TOKEN_TYP },
        },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, TokensService, LocalStrategy, JwtStrategy],
})
export class AuthModule {}
