import type { OutboxEvent } from '../../../src/outbox/OutboxEvent';
import { PostgresOutbox } from '../../../src/outbox/postgres/PostgresOutbox';
import { pgSuite, sleep, uniqueTable, waitFor } from './helpers';

describe('PostgresOutbox: atomic with the caller’s transaction', () => {
  const { pool, outbox: make } = pgSuite();

  it('runs a committed event, never a rolled-back one', async () => {
    const seen: OutboxEvent[] = [];
    const outbox = await make({ handler: async (e) => void seen.push(e) });
    await pool().query('CREATE TABLE orders_tx (id text PRIMARY KEY)');
    outbox.start();

    const client = await pool().connect();
    try {
      await client.query('BEGIN');
      await client.query("INSERT INTO orders_tx VALUES ('rolled')");
      await outbox.add({ type: 'order.placed', payload: { order: 'rolled' }, id: 'rolled' }, { client });
      await client.query('ROLLBACK');

      await client.query('BEGIN');
      await client.query("INSERT INTO orders_tx VALUES ('kept')");
      await outbox.add({ type: 'order.placed', payload: { order: 'kept' }, id: 'kept' }, { client });
      await client.query('COMMIT');
    } finally {
      client.release();
    }

    await waitFor(() => seen.length === 1, { what: 'the committed event', timeoutMs: 10_000 });
    await sleep(500);
    expect(seen.map((e) => e.id)).toEqual(['kept']);
    expect(seen[0]).toMatchObject({ type: 'order.placed', payload: { order: 'kept' }, attempts: 1 });
    const { rows } = await pool().query(`SELECT id FROM orders_tx`);
    expect(rows).toEqual([{ id: 'kept' }]);
    const left = await pool().query(`SELECT count(*)::int AS n FROM "${outbox.table}"`);
    expect(left.rows[0].n).toBe(0);
  });

  it('does not run an event before its transaction commits', async () => {
    const seen: string[] = [];
    const outbox = await make({ handler: async (e) => void seen.push(e.id) });
    outbox.start();
    const client = await pool().connect();
    try {
      await client.query('BEGIN');
      await outbox.add({ type: 't', payload: 1, id: 'later' }, { client });
      await sleep(600);
      expect(seen).toEqual([]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await waitFor(() => seen.length === 1, { what: 'the event once committed', timeoutMs: 10_000 });
  });

  it('stores an id added twice once, and runs it once', async () => {
    const seen: string[] = [];
    const outbox = await make({ handler: async (e) => void seen.push(e.id) });
    await expect(outbox.add({ type: 't', payload: 'a', id: 'same' })).resolves.toBe('same');
    await expect(outbox.add({ type: 't', payload: 'b', id: 'same' })).resolves.toBe('same');
    const { rows } = await pool().query(`SELECT payload FROM "${outbox.table}"`);
    expect(rows).toEqual([{ payload: 'a' }]);
    outbox.start();
    await waitFor(() => seen.length === 1, { what: 'the event', timeoutMs: 10_000 });
    await sleep(400);
    expect(seen).toEqual(['same']);
  });

  it('wakes the consumer by NOTIFY, long before the next poll', async () => {
    const seen: number[] = [];
    const outbox = await make({ pollMs: 20_000, handler: async () => void seen.push(Date.now()) });
    outbox.start();
    await sleep(300); // the listener is connected
    const t0 = Date.now();
    await outbox.add({ type: 't', payload: null });
    await waitFor(() => seen.length === 1, { what: 'the event', timeoutMs: 5000 });
    expect(seen[0] - t0).toBeLessThan(2000);
  });

  it('gives a generated id when none is given, and stores the payload as jsonb', async () => {
    const outbox = await make();
    const id = await outbox.add({ type: 't', payload: { n: 1, list: [1, 'two'] } });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const { rows } = await pool().query(
      `SELECT payload, status, attempts FROM "${outbox.table}" WHERE id = $1`,
      [id],
    );
    expect(rows).toEqual([{ payload: { n: 1, list: [1, 'two'] }, status: 'PENDING', attempts: 0 }]);
  });

  it('migrate is idempotent and safe when many run it at once on a fresh table', async () => {
    const table = uniqueTable();
    const outboxes = [1, 2, 3, 4, 5, 6].map(
      () => new PostgresOutbox({ pool: pool(), table, handler: async () => undefined, registry: false }),
    );
    await Promise.all(outboxes.map((o) => o.migrate()));
    await outboxes[0].migrate();
    const { rows } = await pool().query(`SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = $1`, [
      table,
    ]);
    expect(rows[0].n).toBe(3);
  });
});
