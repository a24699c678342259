import { spawn } from 'node:child_process';
import path from 'node:path';
import type { PoolClient } from 'pg';
import type { PostgresOutbox } from '../../../src/outbox/postgres/PostgresOutbox';
import { pgSuite, sleep, uniqueTable, waitFor } from './helpers';

const HOOK = path.resolve(__dirname, '../../support/tsHook.js');
const WORKER = path.join(__dirname, 'fixtures/pgWorker.ts');
/** Far beyond every bound below: an event handled in time was woken by a notification. */
const POLL_MS = 60_000;

describe('PostgresOutbox: adds notify only while a consumer is idle', () => {
  const { pool, server, outbox: make } = pgSuite();
  let listeners: PoolClient[] = [];

  /** Counts the notifications on the outbox's channel, as any session listening to it sees them. */
  async function notifications(table: string): Promise<{ count: () => number }> {
    const client = await pool().connect();
    listeners.push(client);
    let n = 0;
    client.on('notification', () => n++);
    await client.query(`LISTEN "${table}_wake"`);
    return { count: () => n };
  }

  async function addCommitted(outbox: PostgresOutbox, id: string): Promise<void> {
    const client = await pool().connect();
    try {
      await client.query('BEGIN');
      await outbox.add({ type: 't', payload: { id }, id }, { client });
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }

  afterEach(() => {
    for (const c of listeners) c.release();
    listeners = [];
  });

  it('an idle consumer handles a committed add within milliseconds, not pollMs', async () => {
    const handled = new Map<string, number>();
    const outbox = await make({ pollMs: POLL_MS, handler: async (e) => void handled.set(e.id, Date.now()) });
    const heard = await notifications(outbox.table);
    outbox.start();
    for (const id of ['a', 'b', 'c']) {
      await sleep(300); // idle again: a few empty claims, then registered
      const t0 = Date.now();
      await addCommitted(outbox, id);
      await waitFor(() => handled.has(id), { what: `event ${id}`, timeoutMs: 5000 });
      expect(handled.get(id)! - t0).toBeLessThan(1000);
    }
    expect(heard.count()).toBeGreaterThanOrEqual(3);
  });

  it('a busy consumer gets the events added meanwhile without any notification', async () => {
    const seen: string[] = [];
    let open: () => void = () => undefined;
    const gate = new Promise<void>((r) => (open = r));
    const outbox = await make({
      pollMs: POLL_MS,
      batchSize: 5,
      handler: async (e) => {
        seen.push(e.id);
        if (e.id === 'first') await gate;
      },
    });
    const heard = await notifications(outbox.table);
    outbox.start();
    await sleep(300);
    await addCommitted(outbox, 'first');
    await waitFor(() => seen.includes('first'), { what: 'the first event running', timeoutMs: 5000 });
    await sleep(200);
    const before = heard.count();
    for (let i = 0; i < 20; i++) await addCommitted(outbox, `busy-${i}`);
    await sleep(200);
    expect(heard.count() - before).toBe(0);
    open();
    // Four more batches of five, claimed one after the other with no wake-up needed.
    await waitFor(() => seen.length === 21, { what: 'every event', timeoutMs: 5000 });

    await sleep(300);
    const idle = heard.count();
    await addCommitted(outbox, 'after');
    await waitFor(() => seen.includes('after'), { what: 'the event after the burst', timeoutMs: 2000 });
    expect(heard.count() - idle).toBe(1);
  });

  it('an add whose transaction was open when the consumer went idle runs promptly once committed', async () => {
    const handled = new Map<string, number>();
    const outbox = await make({ pollMs: POLL_MS, handler: async (e) => void handled.set(e.id, Date.now()) });
    const client = await pool().connect();
    try {
      // Its snapshot predates the consumer, and its add cannot see the consumer go idle after it.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await outbox.add({ type: 't', payload: 1, id: 'open' }, { client });
      outbox.start();
      await sleep(500);
      expect(handled.size).toBe(0);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const committed = Date.now();
    await waitFor(() => handled.has('open'), { what: 'the event once committed', timeoutMs: 5000 });
    expect(handled.get('open')! - committed).toBeLessThan(1000);
  });

  it('a consumer killed with kill -9 while idle leaves adds not notifying', async () => {
    const table = uniqueTable();
    const producer = await make({ table });
    const heard = await notifications(table);
    const child = spawn(process.execPath, ['-r', HOOK, WORKER], {
      env: { ...process.env, DATABASE_URL: server().url, TABLE: table, CONSUMER: 'idle-victim' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await waitFor(() => out.includes('ready'), { what: 'the worker ready', timeoutMs: 20_000 });
      // The worker is idle: an add notifies it (and it handles the event).
      await waitFor(
        async () => {
          await addCommitted(producer, `probe-${Date.now()}`);
          await sleep(50);
          return heard.count() > 0;
        },
        { what: 'an add notifying the idle worker', timeoutMs: 10_000 },
      );
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // Its session ends with the process, and its idle registration with the session.
    await waitFor(
      async () => {
        const n = heard.count();
        await addCommitted(producer, `settle-${Date.now()}`);
        await sleep(50);
        return heard.count() === n;
      },
      { what: 'adds no longer notifying', timeoutMs: 5000 },
    );
    const before = heard.count();
    for (let i = 0; i < 10; i++) await addCommitted(producer, `after-kill-${i}`);
    await sleep(200);
    expect(heard.count() - before).toBe(0);
    const { rows } = await pool().query(
      `SELECT count(*)::int AS n FROM "${table}" WHERE id LIKE 'after-kill-%'`,
    );
    expect(rows[0].n).toBe(10);
  });
});
