import { Registry } from 'prom-client';
import { ConfigError } from '../../../src/errors/ConfigError';
import { pgSuite, sleep, waitFor } from './helpers';

describe('PostgresOutbox: retries, manual review, handler timeout, health, metrics', () => {
  const { pool, outbox: make } = pgSuite();

  it('parks a poison event after exactly maxAttempts runs, with its redacted error', async () => {
    const runs: number[] = [];
    const registry = new Registry();
    const outbox = await make({
      registry,
      maxAttempts: 4,
      handler: async (e) => {
        runs.push(e.attempts);
        throw new Error('partner refused: postgres://app:hunter2@db/x');
      },
    });
    await outbox.add({ type: 'mail', payload: { to: 'a' }, id: 'poison' });
    outbox.start();
    await waitFor(async () => (await outbox.manualReview()).length === 1, {
      what: 'the park',
      timeoutMs: 10_000,
    });
    await sleep(300);
    expect(runs).toEqual([1, 2, 3, 4]);
    const [parked] = await outbox.manualReview();
    expect(parked).toMatchObject({
      id: 'poison',
      type: 'mail',
      payload: { to: 'a' },
      attempts: 4,
      status: 'MANUAL_REVIEW_REQUIRED',
      lastError: { name: 'Error', message: expect.stringContaining('postgres://***@db/x') },
    });
    expect(JSON.stringify(parked)).not.toContain('hunter2');
    const text = await registry.metrics();
    expect(text).toContain(`statuskit_outbox_events_total{name="${outbox.table}",outcome="retried"} 3`);
    expect(text).toContain(`statuskit_outbox_events_total{name="${outbox.table}",outcome="manual_review"} 1`);
    expect(text).toContain(`statuskit_outbox_manual_review{name="${outbox.table}"} 1`);
  });

  it('spaces retries by the backoff, and a later success deletes the row', async () => {
    const at: number[] = [];
    const outbox = await make({
      backoff: { baseMs: 300, maxMs: 300, jitter: 'none' },
      handler: async () => {
        at.push(Date.now());
        if (at.length < 3) throw new Error('not yet');
      },
    });
    await outbox.add({ type: 't', payload: 1 });
    outbox.start();
    await waitFor(() => at.length === 3, { what: 'three runs', timeoutMs: 10_000 });
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(280);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(280);
    await waitFor(async () => (await pool().query(`SELECT 1 FROM "${outbox.table}"`)).rowCount === 0, {
      what: 'the delete',
      timeoutMs: 10_000,
    });
  });

  it('requeue gives a parked event a fresh set of runs', async () => {
    let fail = true;
    const done: string[] = [];
    const outbox = await make({
      maxAttempts: 1,
      handler: async (e) => {
        if (fail) throw new Error('down');
        done.push(e.id);
      },
    });
    await outbox.add({ type: 't', payload: 1, id: 'again' });
    outbox.start();
    await waitFor(async () => (await outbox.manualReview()).length === 1, {
      what: 'the park',
      timeoutMs: 10_000,
    });
    fail = false;
    await expect(outbox.requeue('nope')).resolves.toBe(false);
    await expect(outbox.requeue('again')).resolves.toBe(true);
    await waitFor(() => done.length === 1, { what: 'the rerun', timeoutMs: 3000 });
    expect(await outbox.manualReview()).toEqual([]);
  });

  it('aborts a handler at handlerTimeoutMs, counts it as a failed run, and moves on', async () => {
    const aborted: unknown[] = [];
    const done: string[] = [];
    const outbox = await make({
      handlerTimeoutMs: 200,
      maxAttempts: 2,
      handler: (e, { signal }) => {
        if (e.id === 'hang') {
          signal.addEventListener('abort', () => aborted.push(signal.reason));
          return new Promise(() => undefined);
        }
        done.push(e.id);
        return Promise.resolve();
      },
    });
    await outbox.add({ type: 't', payload: 1, id: 'hang' });
    await outbox.add({ type: 't', payload: 1, id: 'fine' });
    outbox.start();
    await waitFor(async () => (await outbox.manualReview()).length === 1, {
      what: 'the park of the hanging event',
      timeoutMs: 10_000,
    });
    expect(done).toEqual(['fine']);
    expect(aborted).toHaveLength(2);
    const [parked] = await outbox.manualReview();
    expect(parked.lastError?.name).toBe('TimeoutError');
  });

  it('healthCheck: OK, then MINOR while review is non-empty, and MAJOR past 5 × maxAgeMs', async () => {
    const outbox = await make({ maxAttempts: 1, handler: async () => Promise.reject(new Error('x')) });
    const signal = new AbortController().signal;
    const dep = outbox.healthCheck({ maxAgeMs: 100 });
    expect(dep).toMatchObject({ id: 'outbox', type: 'postgres' });
    expect((await dep.check({ signal })) as object).toMatchObject({ status: 'OK', message: '0 pending' });
    await outbox.add({ type: 't', payload: 1, id: 'old' });
    await sleep(600);
    expect(await dep.check({ signal })).toMatchObject({ status: 'MAJOR', observedValue: 1 });
    outbox.start();
    await waitFor(async () => (await outbox.manualReview()).length === 1, {
      what: 'the park',
      timeoutMs: 10_000,
    });
    expect(await dep.check({ signal })).toMatchObject({
      status: 'MINOR',
      message: '1 event needs manual review; 0 pending',
    });
  });

  it('publishes pending and oldest-age gauges labelled by table', async () => {
    const registry = new Registry();
    const outbox = await make({ registry });
    await outbox.add({ type: 't', payload: 1 });
    await outbox.add({ type: 't', payload: 2 });
    await outbox.healthCheck().check({ signal: new AbortController().signal });
    const text = await registry.metrics();
    expect(text).toContain(`statuskit_outbox_pending{name="${outbox.table}"} 2`);
    expect(text).toMatch(
      new RegExp(`statuskit_outbox_oldest_age_seconds\\{name="${outbox.table}"\\} [\\d.]+`),
    );
  });

  it('recoverPending runs what is due and hands back rows this consumer name had leased', async () => {
    const seen: string[] = [];
    const outbox = await make({ consumer: 'stable', handler: async (e) => void seen.push(e.id) });
    await outbox.add({ type: 't', payload: 1, id: 'a' });
    await outbox.add({ type: 't', payload: 1, id: 'b' });
    // As a crashed process with the same consumer name would have left it: leased for a long time.
    await pool().query(
      `UPDATE "${outbox.table}" SET lease_owner = 'stable', attempts = 1, next_attempt_at = now() + interval '1 hour' WHERE id = 'b'`,
    );
    await expect(outbox.recoverPending()).resolves.toEqual({ recovered: 2, manualReview: 0 });
    expect(seen.sort()).toEqual(['a', 'b']);
  });

  it('keeps handled rows as DONE for retainMs, so their id still deduplicates', async () => {
    const seen: string[] = [];
    const outbox = await make({ retainMs: 60_000, handler: async (e) => void seen.push(e.id) });
    await outbox.add({ type: 't', payload: 1, id: 'kept' });
    outbox.start();
    await waitFor(() => seen.length === 1, { what: 'the run', timeoutMs: 10_000 });
    await waitFor(
      async () => {
        const { rows } = await pool().query(`SELECT status FROM "${outbox.table}"`);
        return rows[0]?.status === 'DONE';
      },
      { what: 'DONE', timeoutMs: 10_000 },
    );
    await outbox.add({ type: 't', payload: 1, id: 'kept' });
    await sleep(400);
    expect(seen).toEqual(['kept']);
  });

  it('refuses a malformed event with ConfigError before touching the database', async () => {
    const outbox = await make();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(outbox.add({ type: '', payload: 1 })).rejects.toThrow(ConfigError);
    await expect(outbox.add({ type: 't', payload: circular })).rejects.toThrow(/event\.payload/);
    await expect(outbox.add({ type: 't', payload: 1n })).rejects.toThrow(/event\.payload/);
    await expect(outbox.add({ type: 't', payload: 1, id: 'x'.repeat(257) })).rejects.toThrow(/event\.id/);
    await expect(outbox.add({ type: 't', payload: 1 }, { client: 3 as never })).rejects.toThrow(
      /options\.client/,
    );
    const { rows } = await pool().query(`SELECT count(*)::int AS n FROM "${outbox.table}"`);
    expect(rows[0].n).toBe(0);
  });
});
