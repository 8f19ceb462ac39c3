import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A local TCP port nothing listens on right now: for a server to start on, or a service that is down. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A TCP proxy in front of a service the specs share (PostgreSQL, Redis) that one spec can cut
 * and restore without touching the service itself. Listens on the same port after a restart.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private swallow = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  /** Starts forwarding (again): new connections reach the service. */
  async listen(): Promise<void> {
    this.swallow = false;
    const server = createServer((client) => {
      this.track(client);
      if (this.swallow) return client.resume(); // read and drop: nothing ever answers
      const upstream = this.track(connect(this.target));
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** The service is gone: every connection closes and new ones are refused. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A dead network: open connections go quiet and new ones are never answered. */
  blackhole(): void {
    this.swallow = true;
    for (const socket of this.sockets) {
      socket.unpipe();
      socket.removeAllListeners('data');
      socket.resume();
    }
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy()); // dropped connections are the point of this proxy
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }
}
