import { DatabaseUnavailableError } from '../../../src/errors/DatabaseUnavailableError';
import { isStatuskitError } from '../../../src/errors/StatuskitError';
import { pgSuite, sleep, testPool, waitFor } from './helpers';

/** Generous margin for "bounded": a busy shared 2-core machine. */
const MARGIN_MS = 1500;

async function timed<T>(work: Promise<T>): Promise<{ ms: number; result?: T; error?: unknown }> {
  const t0 = Date.now();
  try {
    const result = await work;
    return { ms: Date.now() - t0, result };
  } catch (error) {
    return { ms: Date.now() - t0, error };
  }
}

describe('PostgresOutbox when PostgreSQL is down or frozen', () => {
  const { server, pool, outbox: make } = pgSuite();
  afterEach(async () => {
    server().resume();
    await server().startAgain();
  });

  it('down: add rejects with DatabaseUnavailableError in time, stores nothing, and the consumer resumes', async () => {
    const seen: string[] = [];
    const outbox = await make({
      queryTimeoutMs: 500,
      leaseMs: 2000,
      handler: async (e) => void seen.push(e.id),
    });
    outbox.start();
    await outbox.add({ type: 't', payload: 1, id: 'before' });
    await waitFor(() => seen.length === 1, { what: 'the first event', timeoutMs: 10_000 });

    await server().shutdown();
    const add = await timed(outbox.add({ type: 't', payload: 1, id: 'during' }));
    expect(add.error).toBeInstanceOf(DatabaseUnavailableError);
    expect(isStatuskitError(add.error, 'ERR_STATUSKIT_DATABASE_UNAVAILABLE')).toBe(true);
    expect((add.error as Error).message).toMatch(/^outbox event "during" was not stored/);
    expect(add.ms).toBeLessThan(500 + MARGIN_MS);
    const review = await timed(outbox.manualReview());
    expect(review.error).toBeInstanceOf(DatabaseUnavailableError);
    const health = await outbox.healthCheck().check({ signal: new AbortController().signal });
    expect(health).toMatchObject({
      status: 'OUTAGE',
      message: expect.stringMatching(/^PostgreSQL unreachable/),
    });
    await sleep(1000); // the consumer keeps failing to claim, and backs off

    await server().startAgain();
    const { rows } = await pool().query(
      `SELECT count(*)::int AS n FROM "${outbox.table}" WHERE id = 'during'`,
    );
    expect(rows[0].n).toBe(0);
    await waitFor(
      () =>
        outbox.add({ type: 't', payload: 1, id: 'after' }).then(
          () => true,
          () => false,
        ),
      { what: 'an add to succeed again', timeoutMs: 10_000 },
    );
    await waitFor(() => seen.includes('after'), { what: 'the consumer to resume', timeoutMs: 15_000 });
    expect(seen).toEqual(['before', 'after']);
  });

  it('frozen: every call is bounded, stop() included, and all works again on resume', async () => {
    const seen: string[] = [];
    const outbox = await make({
      queryTimeoutMs: 400,
      leaseMs: 1000,
      handler: async (e) => void seen.push(e.id),
    });
    outbox.start();
    await outbox.add({ type: 't', payload: 1, id: 'warm' });
    await waitFor(() => seen.length === 1, { what: 'the first event', timeoutMs: 10_000 });
    const client = await pool().connect();
    await client.query('BEGIN');

    server().freeze();
    const bound = 400 + MARGIN_MS;
    const calls = await Promise.all([
      timed(outbox.add({ type: 't', payload: 1, id: 'frozen-pool' })),
      timed(outbox.add({ type: 't', payload: 1, id: 'frozen-tx' }, { client })),
      timed(outbox.manualReview()),
      timed(outbox.requeue('x')),
      timed(outbox.recoverPending()),
      timed(Promise.resolve(outbox.healthCheck().check({ signal: new AbortController().signal }))),
      timed(outbox.migrate()),
    ]);
    for (const c of calls) expect(c.ms).toBeLessThan(bound);
    const [addPool, addTx, review, requeue, recover, health, migrate] = calls;
    expect((addPool.error as Error).message).toMatch(
      /^outbox event "frozen-pool" may not have been stored: PostgreSQL did not answer within 400 ms; add it again/,
    );
    expect((addTx.error as Error).message).toMatch(
      /^outbox event "frozen-tx" was not stored: .* roll back your transaction$/,
    );
    for (const c of [review, requeue, recover, migrate])
      expect(c.error).toBeInstanceOf(DatabaseUnavailableError);
    expect(health.result).toMatchObject({ status: 'OUTAGE' });
    const stop = await timed(outbox.stop());
    expect(stop.ms).toBeLessThan(bound);

    server().resume();
    client.release(true);
    outbox.start();
    await waitFor(
      () =>
        outbox.add({ type: 't', payload: 1, id: 'thawed' }).then(
          () => true,
          () => false,
        ),
      { what: 'an add to succeed again', timeoutMs: 10_000 },
    );
    await waitFor(() => seen.includes('thawed'), { what: 'the consumer to resume', timeoutMs: 15_000 });
  });

  it('a query past queryTimeoutMs is cancelled on the server, not only abandoned', async () => {
    const outbox = await make({ queryTimeoutMs: 300, leaseMs: 1000 });
    const locker = testPool(server().url, 1);
    const holder = await locker.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE "${outbox.table}" IN ACCESS EXCLUSIVE MODE`);
      const add = await timed(outbox.add({ type: 't', payload: 1, id: 'blocked' }));
      expect(add.error).toBeInstanceOf(DatabaseUnavailableError);
      expect(add.ms).toBeLessThan(300 + MARGIN_MS);
      // The blocked INSERT is gone from the server while the lock is still held (asked on another
      // connection: inside a transaction pg_stat_activity is a snapshot).
      await waitFor(
        async () => {
          const { rows } = await pool().query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%INSERT INTO "${outbox.table}"%' AND state = 'active' AND pid <> pg_backend_pid()`,
          );
          return rows[0].n === 0;
        },
        { what: 'the server-side cancel', timeoutMs: 3000 },
      );
      await holder.query('ROLLBACK');
    } finally {
      holder.release();
      await locker.end();
    }
    const { rows } = await pool().query(`SELECT count(*)::int AS n FROM "${outbox.table}"`);
    expect(rows[0].n).toBe(0);
  });
});
