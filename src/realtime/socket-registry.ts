import type { SessionsRevoked } from '../sessions/session.events.js';
import type { Connection } from './connection.js';
import type { SocketPrincipal } from './socket-authenticator.js';

/** The authenticated sockets of this instance, by user. */
export class SocketRegistry {
  private readonly byUser = new Map<number, Set<Connection>>();

  get size(): number {
    let size = 0;
    for (const connections of this.byUser.values()) size += connections.size;
    return size;
  }

  countOf(userId: number): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  add(connection: Connection & { principal: SocketPrincipal }): void {
    const { userId } = connection.principal;
    let connections = this.byUser.get(userId);
    if (!connections) this.byUser.set(userId, (connections = new Set()));
    connections.add(connection);
  }

  remove(connection: Connection): void {
    if (!connection.principal) return;
    const { userId } = connection.principal;
    const connections = this.byUser.get(userId);
    connections?.delete(connection);
    if (connections?.size === 0) this.byUser.delete(userId);
  }

  *all(): Iterable<Connection> {
    for (const connections of this.byUser.values()) yield* connections;
  }

  /** The sockets of one session, or of every session of a user but one. */
  matching(target: SessionsRevoked['target']): Connection[] {
    const all = [...this.all()];
    if ('sessionId' in target)
      return all.filter((c) => c.principal?.sessionId === target.sessionId);
    return [...(this.byUser.get(target.userId) ?? [])].filter(
      (c) => c.principal?.sessionId !== target.exceptSessionId,
    );
  }
}
