/**
 * End-to-end throughput of the PostgreSQL outbox: each event added inside a transaction with a
 * business row (BEGIN; INSERT; add; COMMIT), until every event has been handled; against pg-boss
 * (`send` with the transaction's client as its `db`), a bare `FOR UPDATE SKIP LOCKED` loop, and
 * statuskit's consumer fed by the add of the previous release (a NOTIFY in every transaction), on
 * the same server, in rounds whose order rotates. Then statuskit alone over a long run, sampling
 * the heap.
 *
 * Run: npm run bench -- pgoutbox
 */
import { Pool, type PoolClient } from 'pg';
import { PostgresOutbox } from '../../src/outbox/postgres/PostgresOutbox';
import { PostgresServer } from '../../test/support/PostgresServer';
import { median, pairedRatios } from '../lib/stats';
import { collectGarbage } from '../lib/gc';

const QUICK = process.env.BENCH_QUICK === '1';
const N = QUICK ? 3000 : 20_000;
const LONG_N = QUICK ? 20_000 : 100_000;
const ROUNDS = QUICK ? 1 : 3;
const PRODUCERS = 4;
const BATCH = 50;

/** The add of the previous release: one statement that notifies on every insert. */
const NOTIFYING_INSERT =
  'WITH ins AS (INSERT INTO bench_outbox_notify (id, type, payload) VALUES ($1, $2, $3::jsonb) ' +
  "ON CONFLICT (id) DO NOTHING RETURNING 1) SELECT pg_notify('bench_outbox_notify_wake', '') FROM ins";

interface Variant {
  /** Creates tables / queues; returns `add` (inside the transaction) and the consumer's start/stop. */
  setup(
    pool: Pool,
    onHandled: () => void,
  ): Promise<{
    add(client: PoolClient, i: number): Promise<unknown>;
    start(): Promise<void>;
    stop(): Promise<void>;
  }>;
}

function statuskitVariant(table: string, notifyEveryAdd: boolean): Variant {
  return {
    async setup(pool, onHandled) {
      const outbox = new PostgresOutbox({
        pool,
        table,
        batchSize: BATCH,
        registry: false,
        handler: async () => onHandled(),
      });
      await outbox.migrate();
      await pool.query(`TRUNCATE ${table}`);
      let ids = 0;
      return {
        add: notifyEveryAdd
          ? (client, i) =>
              client.query(NOTIFYING_INSERT, [`n-${ids++}`, 'order.placed', JSON.stringify({ i })])
          : (client, i) => outbox.add({ type: 'order.placed', payload: { i } }, { client }),
        start: async () => outbox.start(),
        stop: () => outbox.stop(),
      };
    },
  };
}

const statuskit = statuskitVariant('bench_outbox', false);
const notifyEveryAdd = statuskitVariant('bench_outbox_notify', true);

const raw: Variant = {
  async setup(pool, onHandled) {
    await pool.query(
      'CREATE TABLE IF NOT EXISTS raw_queue (id bigserial PRIMARY KEY, payload jsonb NOT NULL)',
    );
    await pool.query('TRUNCATE raw_queue');
    let running = false;
    let loop: Promise<void> | undefined;
    return {
      add: (client, i) =>
        client.query('INSERT INTO raw_queue (payload) VALUES ($1)', [JSON.stringify({ i })]),
      start: async () => {
        running = true;
        loop = (async () => {
          while (running) {
            const { rows } = await pool.query(
              'DELETE FROM raw_queue WHERE id IN (SELECT id FROM raw_queue ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING payload',
              [BATCH],
            );
            for (let k = 0; k < rows.length; k++) onHandled();
            if (rows.length === 0) await new Promise((r) => setTimeout(r, 5));
          }
        })();
      },
      stop: async () => {
        running = false;
        await loop;
      },
    };
  },
};

// pg-boss is ESM only: loaded with a real dynamic import (tsc would turn `import()` into require).
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a fixed specifier, not user input
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<unknown>;

const pgBoss: Variant = {
  async setup(pool, onHandled) {
    const { PgBoss } = (await importEsm('pg-boss')) as { PgBoss: new (opts: object) => any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const url = (pool as unknown as { options: { connectionString: string } }).options.connectionString;
    const boss = new PgBoss({
      connectionString: url,
      max: 4,
      useListenNotify: true,
      supervise: false,
      schedule: false,
    });
    boss.on('error', () => undefined);
    await boss.start();
    const queue = 'bench';
    await boss.createQueue(queue, { notify: true });
    return {
      add: (client, i) =>
        boss.send(
          queue,
          { i },
          { db: { executeSql: (text: string, values?: unknown[]) => client.query(text, values) } },
        ),
      start: async () => {
        await boss.work(
          queue,
          {
            batchSize: BATCH,
            pollingIntervalSeconds: 0.5,
            notifyPollingIntervalSeconds: 0.5,
            burstWhenBatchFull: true,
          },
          async (jobs: unknown[]) => {
            for (let k = 0; k < jobs.length; k++) onHandled();
          },
        );
      },
      stop: () => boss.stop({ graceful: true, wait: true, timeout: 10_000 }),
    };
  },
};

/** Adds `n` events from PRODUCERS concurrent transactions while the consumer runs; events/s end to end. */
async function throughput(
  pool: Pool,
  variant: Variant,
  n: number,
  sample?: (handled: number) => void,
): Promise<number> {
  let handled = 0;
  let resolveAll: () => void = () => undefined;
  const all = new Promise<void>((r) => (resolveAll = r));
  const v = await variant.setup(pool, () => {
    handled++;
    if (sample && handled % (n / 10) === 0) sample(handled);
    if (handled === n) resolveAll();
  });
  await pool.query('CREATE TABLE IF NOT EXISTS bench_orders (id bigint PRIMARY KEY)');
  await pool.query('TRUNCATE bench_orders');
  await v.start();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('INSERT INTO bench_orders (id) VALUES ($1)', [i]);
          await v.add(client, i);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      }
    }),
  );
  await all;
  const seconds = (performance.now() - t0) / 1000;
  await v.stop();
  return Math.round(n / seconds);
}

function heapMb(): number {
  collectGarbage();
  return Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10;
}

export async function run(): Promise<Record<string, unknown>> {
  const server = await PostgresServer.start();
  const pool = new Pool({ connectionString: server.url, max: 10, connectionTimeoutMillis: 5000 });
  pool.on('error', () => undefined);
  try {
    const variants = [
      ['statuskit', statuskit],
      ['raw', raw],
      ['pgBoss', pgBoss],
      ['notifyEveryAdd', notifyEveryAdd],
    ] as const;
    const rounds: Record<string, number[]> = Object.fromEntries(variants.map(([name]) => [name, []]));
    let bossError: string | undefined;
    const measure = async (name: string, v: Variant, n: number): Promise<number | undefined> => {
      if (name === 'pgBoss' && bossError !== undefined) return undefined;
      try {
        return await throughput(pool, v, n);
      } catch (err) {
        if (name !== 'pgBoss') throw err;
        bossError = err instanceof Error ? err.message : String(err);
        return undefined;
      }
    };
    for (const [name, v] of variants) await measure(name, v, Math.min(N, 1000));
    // The order rotates each round, so drift during a round does not favour one variant.
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < variants.length; k++) {
        const [name, v] = variants[(k + r) % variants.length];
        const rate = await measure(name, v, N);
        if (rate !== undefined) rounds[name].push(rate);
      }
    }
    const rates = Object.fromEntries(Object.entries(rounds).map(([name, list]) => [name, median(list)]));
    const vs = (other: string): number | null =>
      rounds[other].length === ROUNDS
        ? Math.round(median(pairedRatios(rounds.statuskit, rounds[other])) * 100) / 100
        : null;
    const vsRaw = vs('raw');
    const vsBoss = vs('pgBoss');
    const heap: number[] = [heapMb()];
    const longRate = await throughput(pool, statuskit, LONG_N, () => heap.push(heapMb()));
    const firstHalf = heap.slice(0, Math.ceil(heap.length / 2));
    const secondHalf = heap.slice(Math.ceil(heap.length / 2));
    const result = {
      events: N,
      producers: PRODUCERS,
      batchSize: BATCH,
      rounds: ROUNDS,
      eventsPerSecond: rates,
      eventsPerSecondByRound: rounds,
      vsPgBoss: vsBoss,
      vsRawSkipLocked: vsRaw,
      vsNotifyEveryAdd: vs('notifyEveryAdd'),
      pgBossError: bossError ?? null,
      long: { events: LONG_N, eventsPerSecond: longRate, heapMb: heap },
      targets: [
        {
          target: 'end to end ≥ 1.0 × pg-boss (median of round ratios)',
          measured: vsBoss,
          met: vsBoss === null ? undefined : vsBoss >= 1,
        },
        {
          target: 'end to end ≥ 0.5 × a raw SKIP LOCKED loop (median of round ratios)',
          measured: vsRaw,
          met: vsRaw !== null && vsRaw >= 0.5,
        },
        {
          target: `heap flat over ${LONG_N} events (largest sample of the second half ≤ 1.5 × of the first)`,
          measured: `${Math.max(...firstHalf)} → ${Math.max(...secondHalf)} MB`,
          met: Math.max(...secondHalf) <= 1.5 * Math.max(...firstHalf),
        },
      ],
    };
    console.log(JSON.stringify(result, null, 2));
    return result;
  } finally {
    await pool.end();
    await server.stop();
  }
}

if (require.main === module) void run();
