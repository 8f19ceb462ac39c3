import pg from 'pg';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createTestDatabase, testEngine, type TestDatabase } from './helpers/database.js';
import { expectProblemJson } from './helpers/expect.js';
import { createUser, type TestUser } from './helpers/factories.js';
import { TcpProxy } from './helpers/net.js';

/** The server's connections to `database` opened by this API (application_name recipe-api). */
async function apiConnections(databaseUrl: string): Promise<number> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'recipe-api'",
    );
    return rows[0]!.n;
  } finally {
    await admin.end();
  }
}

describe.runIf(testEngine === 'postgres')('PostgreSQL connection pool (e2e)', () => {
  it('should open at most DATABASE_POOL_SIZE connections and release them all on close', async () => {
    const database = await createTestDatabase();
    try {
      const t = await createTestApp({ DATABASE_URL: database.url, DATABASE_POOL_SIZE: '2' });
      try {
        const responses = await Promise.all(
          Array.from({ length: 20 }, () => t.request({ method: 'GET', url: '/api/v1/recipes' })),
        );
        expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
        const open = await apiConnections(database.url);
        expect(open).toBeGreaterThan(0);
        expect(open).toBeLessThanOrEqual(2);
      } finally {
        await t.close();
      }
      // Backends go a moment after their client says goodbye.
      for (let i = 0; i < 50 && (await apiConnections(database.url)) > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await apiConnections(database.url)).toBe(0);
    } finally {
      await database.drop();
    }
  });
});

describe.runIf(testEngine === 'postgres')('database outage on PostgreSQL (e2e)', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  let user: TestUser;

  const ready = () => t.request({ method: 'GET', url: '/health/ready' });
  const recipes = () => t.request({ method: 'GET', url: '/api/v1/recipes' });
  const me = () => t.request({ method: 'GET', url: '/api/v1/users/me', headers: user.auth });

  const expectUnavailable = (response: Awaited<ReturnType<typeof recipes>>) => {
    expectProblemJson(
      response,
      503,
      { status: 503, detail: expect.any(String) },
      /ECONN|pg|pool|terminat|TypeORM|QueryFailedError|node_modules/i,
    );
  };

  /** Polls readiness until it answers 200; the app reconnects without a restart. */
  async function untilReady(): Promise<number> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { statusCode } = await ready();
      if (statusCode === 200 || Date.now() > deadline) return statusCode;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    const url = new URL(database.url);
    proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    await proxy.listen();
    url.host = `127.0.0.1:${proxy.port}`;
    t = await createTestApp({ DATABASE_URL: url.toString() });
    user = await createUser(t);
  });
  afterAll(async () => {
    await t.close();
    await proxy.stop();
    await database.drop();
  });

  it('should answer 503 while the server is gone, and 200 again when it is back', async () => {
    expect((await ready()).statusCode).toBe(200);
    await proxy.stop();

    expect((await ready()).statusCode).toBe(503);
    for (const request of [recipes, me]) {
      // An outage is no reason to log anyone out: 503, never 401 or 500.
      const response = await request();
      expectUnavailable(response);
      expect(response.json()).toMatchObject({
        type: 'urn:recipe-api:problem:database-unavailable',
      });
    }

    await proxy.listen();
    expect(await untilReady()).toBe(200);
    expect((await recipes()).statusCode).toBe(200);
    expect((await me()).statusCode).toBe(200);
  });

  it('should recover by itself when the server ends its connections', async () => {
    expect((await recipes()).statusCode).toBe(200);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'recipe-api'",
      );
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // Once the backends are gone the pool has dropped their connections: no restart needed.
    for (let i = 0; i < 50 && (await apiConnections(database.url)) > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect((await recipes()).statusCode).toBe(200);
    expect((await ready()).statusCode).toBe(200);
  });

  it('should answer readiness 503 before a query gives up, and the query 503, while the network swallows everything', async () => {
    expect((await ready()).statusCode).toBe(200);
    proxy.blackhole();

    // Readiness waits less than a query does, so a load balancer drains the instance first.
    const settled: string[] = [];
    const [readiness, request] = await Promise.all([
      ready().finally(() => settled.push('readiness')),
      recipes().finally(() => settled.push('query')),
    ]);
    expect(readiness.statusCode).toBe(503);
    expectUnavailable(request);
    expect(settled).toEqual(['readiness', 'query']);

    await proxy.stop();
    await proxy.listen();
    expect(await untilReady()).toBe(200);
    expect((await recipes()).statusCode).toBe(200);
  });
});
