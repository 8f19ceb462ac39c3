import type { WebSocket } from 'ws';
import type { RealtimeConfig } from '../config/configuration.js';
import { Connection } from './connection.js';
import { SocketRegistry } from './socket-registry.js';

const CONFIG: RealtimeConfig = {
  maxSocketsPerUser: 10,
  maxMessagesPerSecond: 3,
  pingIntervalMs: 30_000,
  maxBufferedBytes: 1024,
};

function connection(userId: number, sessionId: string) {
  const c = new Connection({} as WebSocket, CONFIG);
  c.principal = { userId, sessionId, expiresAt: Date.now() + 60_000 };
  return c as Connection & { principal: NonNullable<Connection['principal']> };
}

describe('SocketRegistry', () => {
  const registry = new SocketRegistry();
  const [a1, a2, b1] = [connection(1, 's-a1'), connection(1, 's-a2'), connection(2, 's-b1')];
  for (const c of [a1, a2, b1]) registry.add(c);

  it('should find the sockets of one session', () => {
    expect(registry.matching({ sessionId: 's-a2' })).toEqual([a2]);
  });

  it("should find every socket of a user but the kept session's", () => {
    expect(registry.matching({ userId: 1 })).toEqual([a1, a2]);
    expect(registry.matching({ userId: 1, exceptSessionId: 's-a1' })).toEqual([a2]);
    expect(registry.matching({ userId: 3 })).toEqual([]);
  });

  it('should count by user and forget removed sockets', () => {
    const local = new SocketRegistry();
    local.add(a1);
    local.add(a2);
    expect(local.countOf(1)).toBe(2);
    local.remove(a1);
    local.remove(a2);
    expect([local.countOf(1), local.size]).toEqual([0, 0]);
  });
});

describe('Connection.admit', () => {
  it('should admit maxMessagesPerSecond messages in a second, and count afresh the next', () => {
    const c = connection(1, 's');
    const admitted = [0, 10, 20, 30].map((ms) => c.admit(1_000 + ms));
    expect(admitted).toEqual([true, true, true, false]);
    expect(c.admit(2_000)).toBe(true);
  });
});

describe('Connection.close and serially', () => {
  function fake() {
    const socket = { readyState: 1, close: vi.fn() }; // OPEN
    return { socket, connection: new Connection(socket as unknown as WebSocket, CONFIG) };
  }

  it('should cut a close reason to the 123 bytes a close frame can carry', () => {
    const { socket, connection } = fake();
    connection.close(4401, 'é'.repeat(100));
    const [code, reason] = socket.close.mock.calls[0] as [number, string];
    expect(code).toBe(4401);
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    expect(reason).toBe('é'.repeat(61));
  });

  it('should close with 1011 when a task fails, and run the tasks after it', async () => {
    const { socket, connection } = fake();
    let ran = false;
    connection.serially(() => Promise.reject(new Error('database gone')));
    connection.serially(async () => {
      ran = true;
    });
    await vi.waitFor(() => expect(ran).toBe(true));
    expect(socket.close).toHaveBeenCalledWith(1011, 'Internal error.');
  });
});
