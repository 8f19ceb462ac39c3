// @ts-check
// The benchmark's floor: a bare Nest + Fastify app with one trivial route, no guards, hooks,
// interceptors or logging. What the server answers per second is read as a fraction of this.
// Started like the server: `PORT=3000 HOST=127.0.0.1 node bench/floor-app.mjs`, GET / answers {"status":"ok"}.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

class FloorController {
  status() {
    return { status: 'ok' };
  }
}
// The decorators a TypeScript class would carry, applied by hand (plain JavaScript has no syntax for them).
Reflect.decorate(
  [Get()],
  FloorController.prototype,
  'status',
  Object.getOwnPropertyDescriptor(FloorController.prototype, 'status'),
);
Reflect.decorate([Controller()], FloorController);

class FloorModule {}
Reflect.decorate([Module({ controllers: [FloorController] })], FloorModule);

const app = await NestFactory.create(FloorModule, new FastifyAdapter(), { logger: false });
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
