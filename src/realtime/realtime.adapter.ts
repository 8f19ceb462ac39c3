import type { EventEmitter } from 'node:events';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { HttpAdapterHost } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { isAllowedOrigin } from '../common/allowed-origin.js';
import { SECURITY_HEADERS } from '../common/security-headers.js';
import type { AppConfig } from '../config/configuration.js';
import { MAX_MESSAGE_BYTES } from './close-codes.js';

type VerifyClient = (
  info: { origin?: string; req: IncomingMessage },
  done: (ok: boolean, status?: number, body?: string, headers?: OutgoingHttpHeaders) => void,
) => void;

const FORBIDDEN_ORIGIN = JSON.stringify({
  type: 'about:blank',
  title: 'Forbidden',
  status: 403,
  detail: 'Pages of this origin may not open a WebSocket to this API.',
});

/**
 * A browser page may open a WebSocket to any site and the browser sends the cookies along; only
 * the Origin header tells whose page it is (ASVS 4.4.2). A page of an origin CORS would refuse is
 * refused with 403 before the upgrade; a client without Origin is no browser page.
 */
export function originCheck(config: AppConfig): VerifyClient {
  return ({ origin }, done) => {
    if (origin === undefined || isAllowedOrigin(origin, config)) return done(true);
    done(false, 403, FORBIDDEN_ORIGIN, {
      ...SECURITY_HEADERS,
      'Content-Type': 'application/problem+json; charset=utf-8',
    });
  };
}

/**
 * Nest's `ws` adapter on the application's own HTTP server (same port), with the origin check and
 * the message size limit of every gateway. Messages are read by the gateway itself (it answers a
 * bad one with a close code), so Nest's own message parser is switched off.
 */
export class RealtimeWsAdapter extends WsAdapter {
  /** The HTTP server is looked up when the gateway is created: it does not exist yet when modules are. */
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {
    super(undefined, { messageParser: () => undefined });
  }

  /**
   * A client's protocol errors (a frame over 4 KB, invalid UTF-8, a bad opcode) are answered by ws
   * with the matching close code; logging each one, as Nest's adapter does, would let any client
   * fill the log. The server's own errors are still logged.
   */
  override bindErrorHandler(server: EventEmitter): EventEmitter {
    server.on('connection', (socket: EventEmitter) => socket.on('error', () => undefined));
    server.on('error', (error: Error) => this.logger.error(error));
    return server;
  }

  override create(port: number, options: Record<string, unknown> = {}): unknown {
    (this as unknown as { httpServer: unknown }).httpServer ??=
      this.host.httpAdapter.getHttpServer();
    return super.create(port, {
      ...options,
      maxPayload: MAX_MESSAGE_BYTES,
      verifyClient: originCheck(this.config),
    });
  }
}
