import { Module, RequestMethod } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/auth.module.js';
import { JwtAuthGuard } from './auth/guards/jwt-auth.guard.js';
import { ScopesGuard } from './auth/guards/scopes.guard.js';
import { logSerializers } from './common/log-serializers.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { ThrottlingModule } from './common/throttling/throttling.module.js';
import { AppValidationPipe } from './common/validation.pipe.js';
import {
  appConfig,
  authConfig,
  databaseConfig,
  mailConfig,
  rateLimitConfig,
  type AppConfig,
} from './config/configuration.js';
import type { DatabaseConfig } from './config/database.config.js';
import { validateEnv } from './config/env.schema.js';
import { buildDataSourceOptions } from './database/database.options.js';
import { initializeDataSource } from './database/initialize.js';
import { TransactionsModule } from './database/transactions.js';
import { HealthModule } from './health/health.module.js';
import { RecipesModule } from './recipes/recipes.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { UsersModule } from './users/users.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      validate: validateEnv,
      load: [appConfig, authConfig, databaseConfig, rateLimitConfig, mailConfig],
    }),
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => ({
        // nestjs-pino's default adds the prefix-excluded paths that Nest adds too: /health logged twice.
        forRoutes: [{ path: '{/*splat}', method: RequestMethod.ALL }],
        pinoHttp: {
          level: config.logLevel,
          // No redact paths: the serializers write no header and no body, so there is nothing to redact.
          serializers: logSerializers,
        },
      }),
    }),
    TypeOrmModule.forRootAsync({
      inject: [databaseConfig.KEY],
      useFactory: (config: DatabaseConfig) => buildDataSourceOptions(config),
      dataSourceFactory: (options) => initializeDataSource(options!),
    }),
    TransactionsModule,
    EventEmitterModule.forRoot(),
    ThrottlingModule,
    AuthModule,
    SessionsModule,
    UsersModule,
    RecipesModule,
    HealthModule,
  ],
  providers: [
    { provide: APP_PIPE, useClass: AppValidationPipe },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: ScopesGuard },
  ],
})
export class AppModule {}
