import { Inject, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { AuthModule } from '../auth/auth.module.js';
import { appConfig, realtimeConfig, type AppConfig } from '../config/configuration.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { RealtimeBus } from './realtime-bus.js';
import { RealtimeWsAdapter } from './realtime.adapter.js';
import { RealtimeRedis } from './realtime-redis.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RealtimeListeners } from './realtime.listeners.js';
import { SocketAuthenticator } from './socket-authenticator.js';
import { WsTicketController } from './ws-ticket.controller.js';
import { WsTicketsService } from './ws-tickets.service.js';

/**
 * `GET /ws` and `POST /auth/ws-ticket`: authenticated sockets that hear recipe events and close
 * when their session ends. Built on auth and sessions; the features it reacts to only announce
 * events (recipes, sessions, users), they never import it.
 */
@Module({
  imports: [ConfigModule.forFeature(realtimeConfig), AuthModule, SessionsModule],
  controllers: [WsTicketController],
  providers: [
    RealtimeRedis,
    RealtimeBus,
    SocketAuthenticator,
    WsTicketsService,
    RealtimeListeners,
    RealtimeGateway,
  ],
})
export class RealtimeModule {
  /**
   * The gateway's adapter comes with the module, so every way of booting AppModule (a testing
   * module of one's own included) serves /ws; without one Nest would look for socket.io and exit.
   */
  constructor(
    applicationConfig: ApplicationConfig,
    host: HttpAdapterHost,
    @Inject(appConfig.KEY) config: AppConfig,
  ) {
    if (!applicationConfig.getIoAdapter())
      applicationConfig.setIoAdapter(new RealtimeWsAdapter(host, config));
  }
}
