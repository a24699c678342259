import type { Pool, PoolClient } from 'pg';
import { postgresCheck } from '../../../checks/postgresCheck';
import { ConfigError } from '../../../src/errors/ConfigError';
import { PostgresServer } from '../../support/PostgresServer';
import { testPool } from '../pgoutbox/helpers';
import { MARGIN_MS, eventually, runCheck } from './helpers';

describe('postgresCheck on a real PostgreSQL', () => {
  let server: PostgresServer;
  const pools: Pool[] = [];
  const pool = (max = 5): Pool => {
    const p = testPool(server.url, max);
    pools.push(p);
    return p;
  };
  beforeAll(async () => {
    server = await PostgresServer.start();
  });
  afterEach(async () => {
    server.resume();
    await server.startAgain();
    await Promise.all(pools.splice(0).map((p) => p.end()));
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Checks a client out for `ms`, then gives it back. */
  async function hold(p: Pool, ms: number): Promise<void> {
    const c: PoolClient = await p.connect();
    setTimeout(() => c.release(), ms);
  }

  it('is OK with the SELECT 1 round trip, and names the server without its password', async () => {
    const p = testPool(`postgres://postgres:s3cret@127.0.0.1:${server.port}/postgres`);
    pools.push(p);
    const dep = postgresCheck(p);
    expect(dep).toMatchObject({
      id: 'postgres',
      type: 'postgres',
      description: `PostgreSQL at 127.0.0.1:${server.port}/postgres`,
    });
    const outcome = await runCheck(dep);
    expect(outcome).toMatchObject({ status: 'OK', observedUnit: 'ms' });
    expect(outcome.message).toMatch(/^SELECT 1 in [\d.]+ ms; pool client in [\d.]+ ms, 0 waiting$/);
    expect(JSON.stringify(dep)).not.toContain('s3cret');
  });

  it('is MINOR, then MAJOR, when getting a pool client takes longer than the thresholds', async () => {
    const p = pool(1);
    const dep = postgresCheck(p, { acquireMinorMs: 100, acquireMajorMs: 800, timeoutMs: 5000 });
    await hold(p, 400);
    expect(await runCheck(dep)).toMatchObject({
      status: 'MINOR',
      message: expect.stringContaining('acquire over 100 ms'),
    });
    await hold(p, 1500);
    expect(await runCheck(dep)).toMatchObject({
      status: 'MAJOR',
      message: expect.stringContaining('acquire over 800 ms'),
    });
  });

  it('is MINOR / MAJOR when callers are waiting for the pool', async () => {
    const p = pool(1);
    const dep = postgresCheck(p, {
      waitingMinor: 2,
      waitingMajor: 4,
      acquireMinorMs: 60_000,
      acquireMajorMs: 60_000,
      timeoutMs: 5000,
    });
    const held = await p.connect();
    const waiters = [p.connect(), p.connect()];
    const minor = runCheck(dep);
    const more = [p.connect(), p.connect()];
    const major = runCheck(dep);
    setTimeout(() => held.release(), 100);
    for (const w of [...waiters, ...more]) void w.then((c) => setTimeout(() => c.release(), 10));
    expect(await minor).toMatchObject({ status: 'MINOR', message: expect.stringContaining('2 waiting ≥ 2') });
    expect(await major).toMatchObject({ status: 'MAJOR', message: expect.stringContaining('5 waiting ≥ 4') });
  });

  it('is OUTAGE within its timeout when the server is frozen, and holds no pool client afterwards', async () => {
    const p = pool(2);
    const dep = postgresCheck(p, { timeoutMs: 500, acquireMinorMs: 60_000, acquireMajorMs: 60_000 });
    expect((await runCheck(dep)).status).toBe('OK'); // a connected idle client in the pool
    server.freeze();
    const outcome = await runCheck(dep);
    expect(outcome).toMatchObject({
      status: 'OUTAGE',
      message: expect.stringContaining('did not answer within 500 ms'),
    });
    expect(outcome.elapsedMs).toBeLessThan(500 + MARGIN_MS);
    // The stuck connection was destroyed at once; the cancel's own connect gives up with the pool's
    // connectionTimeoutMillis (2000): nothing is kept for good.
    const deadline = Date.now() + 2000 + MARGIN_MS;
    while (p.totalCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(p.totalCount).toBe(0);
    const again = await runCheck(dep); // a new connection to a frozen server: bounded too
    expect(again.status).toBe('OUTAGE');
    expect(again.elapsedMs).toBeLessThan(500 + MARGIN_MS);
    server.resume();
    await eventually(dep, (o) => o.status === 'OK', 15_000);
  });

  it('is OUTAGE naming the refusal when the server is down, and OK again once it is back', async () => {
    const p = pool(2);
    const dep = postgresCheck(p, { timeoutMs: 1000 });
    await server.shutdown();
    const outcome = await runCheck(dep);
    expect(outcome).toMatchObject({
      status: 'OUTAGE',
      message: expect.stringMatching(/^PostgreSQL unreachable: .*ECONNREFUSED/),
    });
    await server.startAgain();
    await eventually(dep, (o) => o.status === 'OK', 15_000);
  });

  it('refuses bad options with a ConfigError naming them', () => {
    const p = pool();
    expect(() => postgresCheck({} as never)).toThrow(/pool/);
    expect(() => postgresCheck(p, { acquireMinorMs: -1 })).toThrow(ConfigError);
    expect(() => postgresCheck(p, { acquireMinorMs: 500, acquireMajorMs: 100 })).toThrow(/acquireMajorMs/);
    expect(() => postgresCheck(p, { waitingMinor: 0 })).toThrow(/waitingMinor/);
    expect(() => postgresCheck(p, { timeoutMs: 'x' as never })).toThrow(/timeoutMs/);
  });
});
