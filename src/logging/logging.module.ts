import { Global, Module } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/configuration.js';
import { createPino, PINO } from './logger.js';

@Global()
@Module({
  providers: [
    {
      provide: PINO,
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => createPino(config),
    },
  ],
  exports: [PINO],
})
export class LoggingModule {}
