import type { Provider } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  appConfig,
  authConfig,
  mailConfig,
  rateLimitConfig,
} from '../../src/config/configuration.js';
import { buildDataSourceOptions, entities } from '../../src/database/database.options.js';
import { TransactionsModule } from '../../src/database/transactions.js';
import { createTestDatabase, testEngine } from './database.js';

/** A unit-test module: the given providers on a fresh, migrated database of their own (see createTestDatabase). */
export async function createServiceModule(
  providers: Provider[],
  imports: Parameters<typeof Test.createTestingModule>[0]['imports'] = [],
): Promise<TestingModule> {
  process.env.JWT_SECRET ??= 'unit-test-secret-that-is-at-least-32-bytes';
  const database = await createTestDatabase();
  const module = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({
        isGlobal: true,
        ignoreEnvFile: true,
        load: [appConfig, authConfig, rateLimitConfig, mailConfig],
      }),
      TypeOrmModule.forRoot(
        buildDataSourceOptions(
          testEngine === 'postgres'
            ? { engine: 'postgres', url: database.url, poolSize: 5 }
            : { engine: 'sqlite', path: ':memory:' },
        ),
      ),
      TypeOrmModule.forFeature(entities),
      TransactionsModule,
      EventEmitterModule.forRoot(),
      ...imports,
    ],
    providers,
  }).compile();
  await module.init(); // subscribes the @OnEvent listeners among `providers`
  const close = module.close.bind(module);
  module.close = async () => {
    await close();
    await database.drop();
  };
  return module;
}
