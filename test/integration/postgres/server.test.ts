import { Client } from 'pg';
import { PostgresServer } from '../../support/PostgresServer';

async function select1(url: string, timeoutMs: number): Promise<number> {
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const r = await client.query<{ one: number }>('SELECT 1 AS one');
    return r.rows[0].one;
  } finally {
    await Promise.race([client.end(), new Promise((r) => setTimeout(r, 200))]).catch(() => undefined);
  }
}

describe('PostgresServer (the test harness)', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await PostgresServer.start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers queries on a loopback port, as the postgres user', async () => {
    expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    await expect(select1(server.url, 2000)).resolves.toBe(1);
  });

  it('a frozen server answers nothing until resumed', async () => {
    server.freeze();
    try {
      await expect(select1(server.url, 500)).rejects.toThrow();
    } finally {
      server.resume();
    }
    await expect(select1(server.url, 2000)).resolves.toBe(1);
  });

  it('keeps its data across a kill -9 and a restart', async () => {
    const c = new Client({ connectionString: server.url });
    await c.connect();
    await c.query('CREATE TABLE IF NOT EXISTS harness_kept (v int)');
    await c.query('INSERT INTO harness_kept VALUES (42)');
    await c.end();
    await server.kill();
    expect(server.running).toBe(false);
    await expect(select1(server.url, 500)).rejects.toThrow();
    await server.startAgain();
    const d = new Client({ connectionString: server.url });
    await d.connect();
    const r = await d.query<{ v: number }>('SELECT v FROM harness_kept');
    await d.end();
    expect(r.rows).toEqual([{ v: 42 }]);
    await server.restart();
    await expect(select1(server.url, 2000)).resolves.toBe(1);
  });
});
