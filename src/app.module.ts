import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './auth/auth.module.js';
import { JwtAuthGuard } from './auth/guards/jwt-auth.guard.js';
import { ScopesGuard } from './auth/guards/scopes.guard.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { ThrottlingModule } from './common/throttling/throttling.module.js';
import { AppValidationPipe } from './common/validation.pipe.js';
import {
  appConfig,
  authConfig,
  databaseConfig,
  mailConfig,
  rateLimitConfig,
} from './config/configuration.js';
import type { DatabaseConfig } from './config/database.config.js';
import { validateEnv } from './config/env.schema.js';
import { buildDataSourceOptions } from './database/database.options.js';
import { initializeDataSource } from './database/initialize.js';
import { TransactionsModule } from './database/transactions.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { RecipesModule } from './recipes/recipes.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { UsersModule } from './users/users.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      validate: validateEnv,
      load: [appConfig, authConfig, databaseConfig, rateLimitConfig, mailConfig],
    }),
    LoggingModule,
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
    RealtimeModule,
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
