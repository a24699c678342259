import { Pool } from 'pg';
import { Registry } from 'prom-client';
import { PostgresOutbox } from '../../../src/outbox/postgres/PostgresOutbox';
import type { PostgresOutboxOptions } from '../../../src/outbox/postgres/PostgresOutboxOptions';
import { PostgresServer } from '../../support/PostgresServer';

export { sleep } from '../outbox/helpers';
export { waitFor } from '../../support/waitFor';

/** A pool on `url` with bounded connects; its idle clients' errors (a killed server) are ignored. */
export function testPool(url: string, max = 5): Pool {
  const pool = new Pool({ connectionString: url, max, connectionTimeoutMillis: 2000 });
  pool.on('error', () => undefined);
  return pool;
}

let tables = 0;

/** A table name no other test of this process uses. */
export function uniqueTable(): string {
  tables += 1;
  return `t_${process.pid}_${tables}`;
}

/**
 * One PostgreSQL server per test file, with a pool; every outbox made by `outbox()` gets its own
 * table and registry, and is stopped after each test.
 */
export function pgSuite(): {
  server: () => PostgresServer;
  pool: () => Pool;
  outbox: <P = unknown>(opts?: Partial<PostgresOutboxOptions<P>>) => Promise<PostgresOutbox<P>>;
} {
  let server: PostgresServer;
  let pool: Pool;
  const made: PostgresOutbox<never>[] = [];
  beforeAll(async () => {
    server = await PostgresServer.start();
    pool = testPool(server.url);
  });
  afterEach(async () => {
    await Promise.all(made.splice(0).map((o) => o.stop()));
  });
  afterAll(async () => {
    await pool?.end();
    await server?.stop();
  });
  return {
    server: () => server,
    pool: () => pool,
    outbox: async <P>(opts: Partial<PostgresOutboxOptions<P>> = {}) => {
      const outbox = new PostgresOutbox<P>({
        pool,
        handler: async () => undefined,
        table: uniqueTable(),
        registry: new Registry(),
        pollMs: 200,
        leaseMs: 5000,
        queryTimeoutMs: 1000,
        backoff: { baseMs: 20, maxMs: 100 },
        ...opts,
      });
      await outbox.migrate();
      made.push(outbox as PostgresOutbox<never>);
      return outbox;
    },
  };
}
