import type { IncomingMessage } from 'node:http';
import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { RawData, WebSocket } from 'ws';
import {
  appConfig,
  realtimeConfig,
  type AppConfig,
  type RealtimeConfig,
} from '../config/configuration.js';
import {
  CLOSE_BAD_MESSAGE,
  CLOSE_GOING_AWAY,
  CLOSE_IDLE,
  CLOSE_INTERNAL_ERROR,
  CLOSE_TOO_MANY,
  CLOSE_UNAUTHENTICATED,
} from './close-codes.js';
import { Connection } from './connection.js';
import { RealtimeBus, type BusMessage } from './realtime-bus.js';
import {
  SocketAuthenticationError,
  SocketAuthenticator,
  type SocketPrincipal,
} from './socket-authenticator.js';
import { SocketRegistry } from './socket-registry.js';
import { WsTicketsService } from './ws-tickets.service.js';

/** How long a new socket may take to authenticate. */
const AUTHENTICATION_MS = 5_000;
/**
 * A revocation made inside a transaction is announced before it commits: a socket that
 * authenticated meanwhile saw the session live. Its sessions are checked again this much later.
 */
const RECHECK_MS = 500;
/**
 * Sockets one client address may hold before they authenticate: each is allowed 5 s, and this
 * keeps one address from holding thousands of them.
 */
const MAX_PENDING_PER_ADDRESS = 50;

/** The client's address: with TRUST_PROXY the last X-Forwarded-For entry, as for HTTP requests. */
function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const forwarded = request.headers['x-forwarded-for'];
  const last = typeof forwarded === 'string' ? forwarded.split(',').at(-1)?.trim() : undefined;
  return (trustProxy && last) || request.socket.remoteAddress || 'unknown';
}

/** The JSON object a client sent, or undefined when it is not one. */
function parseMessage(data: RawData, isBinary: boolean): Record<string, unknown> | undefined {
  if (isBinary || !Buffer.isBuffer(data)) return undefined; // text frames arrive as one Buffer
  try {
    const message: unknown = JSON.parse(data.toString('utf8'));
    return typeof message === 'object' && message !== null && !Array.isArray(message)
      ? (message as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `GET /ws`: a socket that authenticates with an access token (its first message) or a ticket
 * (`?ticket=`), then hears recipe events until its session or token ends. Nothing is sent before
 * authentication; every refusal is a close code with a reason (docs/decisions.md, Real-time).
 */
@WebSocketGateway({ path: '/ws' })
export class RealtimeGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy
{
  private readonly logger = new Logger(RealtimeGateway.name);
  private readonly connections = new Map<WebSocket, Connection>();
  private readonly registry = new SocketRegistry();
  private readonly pending = new Map<string, number>();
  private pinger: NodeJS.Timeout | undefined;

  constructor(
    @Inject(realtimeConfig.KEY) private readonly config: RealtimeConfig,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
    private readonly authenticator: SocketAuthenticator,
    private readonly tickets: WsTicketsService,
    bus: RealtimeBus,
  ) {
    bus.listen(
      (message) => this.deliver(message),
      () => void this.recheck([...this.registry.all()]),
    );
  }

  afterInit(): void {
    this.pinger = setInterval(() => this.ping(), this.config.pingIntervalMs);
    this.pinger.unref();
  }

  /** On shutdown (SIGTERM) every client is told to connect again, to another instance (1001). */
  onModuleDestroy(): void {
    clearInterval(this.pinger);
    for (const connection of this.connections.values()) {
      connection.close(CLOSE_GOING_AWAY, 'The server is shutting down: connect again.');
    }
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const release = this.hold(clientAddress(request, this.app.trustProxy));
    if (!release) {
      socket.close(CLOSE_TOO_MANY, 'Too many sockets waiting to authenticate from this address.');
      return;
    }
    const connection = new Connection(socket, this.config);
    connection.release = release;
    this.connections.set(socket, connection);
    socket.on('pong', () => (connection.alive = true));
    socket.on('message', (data, isBinary) => this.receive(connection, data, isBinary));
    const ticket = new URL(request.url ?? '/', 'ws://localhost').searchParams.get('ticket');
    if (ticket !== null) {
      connection.serially(() => this.authenticate(connection, () => this.tickets.redeem(ticket)));
    } else {
      connection.after(AUTHENTICATION_MS, () => {
        if (!connection.principal) connection.close(CLOSE_UNAUTHENTICATED, 'Authenticate first.');
      });
    }
  }

  handleDisconnect(socket: WebSocket): void {
    const connection = this.connections.get(socket);
    if (!connection) return;
    connection.stopTimers();
    connection.release();
    this.registry.remove(connection);
    this.connections.delete(socket);
  }

  /** Takes a place for a socket of `address` that has yet to authenticate; undefined when full. */
  private hold(address: string): (() => void) | undefined {
    const held = this.pending.get(address) ?? 0;
    if (held >= MAX_PENDING_PER_ADDRESS) return undefined;
    this.pending.set(address, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.pending.get(address) ?? 1) - 1;
      if (left > 0) this.pending.set(address, left);
      else this.pending.delete(address);
    };
  }

  private receive(connection: Connection, data: RawData, isBinary: boolean): void {
    if (!connection.admit()) {
      connection.close(CLOSE_TOO_MANY, 'Too many messages: slow down.');
      return;
    }
    const message = parseMessage(data, isBinary);
    if (!message) {
      connection.close(CLOSE_BAD_MESSAGE, 'A message is a JSON object.');
    } else if (message.type !== 'authenticate') {
      connection.close(CLOSE_BAD_MESSAGE, 'Unknown message type.');
    } else {
      const token = message.access_token;
      connection.serially(() =>
        this.authenticate(connection, () => this.authenticator.fromAccessToken(token)),
      );
    }
  }

  /** Binds the socket to the principal `check` returns, or closes it with the reason. */
  private async authenticate(
    connection: Connection,
    check: () => Promise<SocketPrincipal>,
  ): Promise<void> {
    let principal: SocketPrincipal;
    try {
      principal = await check();
    } catch (error) {
      if (error instanceof SocketAuthenticationError) {
        connection.close(CLOSE_UNAUTHENTICATED, error.message);
      } else {
        this.logger.error(error);
        connection.close(CLOSE_INTERNAL_ERROR, 'Authentication is unavailable: try again later.');
      }
      return;
    }
    if (!connection.open) return;
    const previous = connection.principal;
    if (previous && previous.userId !== principal.userId) {
      connection.close(CLOSE_UNAUTHENTICATED, 'A socket stays with the user who opened it.');
      return;
    }
    if (!previous && this.registry.countOf(principal.userId) >= this.config.maxSocketsPerUser) {
      connection.close(CLOSE_TOO_MANY, 'Too many open sockets for this user.');
      return;
    }
    connection.authenticated(principal, () =>
      connection.close(CLOSE_UNAUTHENTICATED, 'The access token has expired: authenticate again.'),
    );
    this.registry.add(connection as Connection & { principal: SocketPrincipal });
    connection.release();
    connection.send(
      JSON.stringify({
        type: 'authenticated',
        data: { expires_at: new Date(principal.expiresAt).toISOString() },
        at: new Date().toISOString(),
      }),
    );
  }

  private deliver(message: BusMessage): void {
    if (message.kind === 'event') {
      const text = Buffer.from(message.message); // encoded once, sent as a text frame to each
      for (const connection of this.registry.all()) connection.send(text);
      return;
    }
    this.end(this.registry.matching(message.target));
    const again = () => void this.recheck(this.registry.matching(message.target));
    setTimeout(again, RECHECK_MS).unref();
  }

  /** Tells each socket its session ended, then closes it. */
  private end(connections: Connection[]): void {
    const at = new Date().toISOString();
    for (const connection of connections) {
      const session = connection.principal!.sessionId;
      connection.send(
        JSON.stringify({ type: 'session.revoked', data: { session_id: session }, at }),
      );
      connection.close(CLOSE_UNAUTHENTICATED, 'The session has ended.');
      this.registry.remove(connection);
    }
  }

  /** Ends the sockets among `connections` whose session is no longer live. */
  private async recheck(connections: Connection[]): Promise<void> {
    for (const connection of connections) {
      const principal = connection.principal;
      if (!principal || !connection.open) continue;
      const live = await this.authenticator.isLive(principal).catch(() => true); // retried at the next revocation
      if (!live && connection.principal === principal) this.end([connection]);
    }
  }

  /** A socket that has not answered the previous ping is closed (4408); the others are pinged. */
  private ping(): void {
    for (const connection of this.connections.values()) {
      if (!connection.open) continue;
      if (!connection.alive) {
        connection.close(CLOSE_IDLE, 'No answer to ping.');
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }
}
