import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { configureApp, createAdapter } from './app.setup.js';
import { appConfig } from './config/configuration.js';
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
}
