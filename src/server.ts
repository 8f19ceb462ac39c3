import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { configureApp, createAdapter } from './app.setup.js';
import { appConfig } from './config/configuration.js';
import { PINO } from './logging/logger.js';
import { setupSwagger } from './swagger.js';

/** Creates the application, with Swagger UI, and listens on HOST:PORT. */
export async function startServer(): Promise<void> {
  const adapter = createAdapter(appConfig()); // the same validated Env that ConfigModule reads
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
    bufferLogs: true,
  });
  await configureApp(app);
  setupSwagger(app);
  const { port, host } = app.get<ReturnType<typeof appConfig>>(appConfig.KEY);
  await app.listen(port, host);
  const address = app.getHttpServer().address() as AddressInfo;
  const shown = ['0.0.0.0', '::'].includes(address.address) ? 'localhost' : address.address;
  const origin = `http://${shown.includes(':') ? `[${shown}]` : shown}:${address.port}`;
  app.get<Logger>(PINO).info(`Recipe API on ${origin} — docs at ${origin}/docs`);
}
