import { WebSocket } from 'ws';
import type { RealtimeConfig } from '../config/configuration.js';
import type { SocketPrincipal } from './socket-authenticator.js';

/** RFC 6455 §5.5: a close frame's reason is at most 123 bytes of UTF-8. */
function fitReason(reason: string): string {
  let fitted = reason;
  while (Buffer.byteLength(fitted) > 123) fitted = fitted.slice(0, -1);
  return fitted;
}

/** One client's socket: who it is (once authenticated), its limits and its timers. */
export class Connection {
  principal: SocketPrincipal | undefined;
  /** Whether it answered the last ping. */
  alive = true;
  /** Gives back its place among the sockets still authenticating from its address (once). */
  release: () => void = () => undefined;
  private window = { start: 0, count: 0 };
  private readonly timers = new Set<NodeJS.Timeout>();
  private expiry: NodeJS.Timeout | undefined;
  private work: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: WebSocket,
    private readonly config: RealtimeConfig,
  ) {}

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Counts one message from the client: false once it sent more than allowed this second. */
  admit(now = Date.now()): boolean {
    if (now - this.window.start >= 1000) this.window = { start: now, count: 0 };
    return ++this.window.count <= this.config.maxMessagesPerSecond;
  }

  /**
   * Sends unless the client has stopped reading: what it has not read stays in this process, so
   * past WS_MAX_BUFFERED_BYTES the client is dropped (the socket destroyed, no close frame: one
   * could not get through) rather than let the buffer grow.
   */
  send(text: string | Buffer): void {
    if (!this.open) return;
    if (this.socket.bufferedAmount + Buffer.byteLength(text) > this.config.maxBufferedBytes) {
      this.socket.terminate();
      return;
    }
    this.socket.send(text, { binary: false });
  }

  close(code: number, reason: string): void {
    this.stopTimers();
    const state = this.socket.readyState;
    if (state === WebSocket.OPEN || state === WebSocket.CONNECTING) {
      this.socket.close(code, fitReason(reason));
    }
  }

  /** Runs `task` after the ones before it: a socket's messages are handled in order. */
  serially(task: () => Promise<void>): void {
    // A task that fails closes the socket (1011) rather than stall the ones after it.
    this.work = this.work.then(task).catch(() => this.close(1011, 'Internal error.'));
  }

  after(ms: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, ms);
    this.timers.add(timer);
  }

  /** Binds the socket to `principal` until its access token expires (then `expired` runs). */
  authenticated(principal: SocketPrincipal, expired: () => void): void {
    this.stopTimers();
    this.principal = principal;
    this.expiry = setTimeout(expired, Math.max(0, principal.expiresAt - Date.now()));
  }

  stopTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    clearTimeout(this.expiry);
  }
}
