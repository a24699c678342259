import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { PostgresOutbox } from '../../../src/outbox/postgres/PostgresOutbox';
import { PostgresServer } from '../../support/PostgresServer';
import { sleep, testPool, waitFor } from './helpers';

const HOOK = path.resolve(__dirname, '../../support/tsHook.js');
const WORKER = path.join(__dirname, 'fixtures/pgWorker.ts');
const N = 1000;
const KILLS = 4;

interface Worker {
  consumer: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
  killedAt?: number;
}

function startWorker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, ['-r', HOOK, WORKER], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { consumer: env.CONSUMER, child, exited, output: () => out };
}

interface Run {
  id: string;
  consumer: string;
  start: number;
  end: number | undefined;
}

function readRuns(file: string): Run[] {
  const open = new Map<string, Run>();
  const runs: Run[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const [kind, id, consumer, at] = line.split(' ');
    if (!kind) continue;
    const key = `${id} ${consumer}`;
    if (kind === 'start') {
      const run = { id, consumer, start: Number(at), end: undefined };
      open.set(key, run);
      runs.push(run);
    } else {
      const run = open.get(key);
      if (run) run.end = Number(at);
      open.delete(key);
    }
  }
  return runs;
}

describe('PostgresOutbox with consumer processes killed by SIGKILL', () => {
  let server: PostgresServer;
  let pool: Pool;
  let dir: string;
  const workers: Worker[] = [];

  beforeAll(async () => {
    server = await PostgresServer.start();
    pool = testPool(server.url);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statuskit-pgcrash-'));
  });
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await pool?.end();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`3 consumers, ${N} events, ${KILLS} kill -9: none lost, none run by two consumers while its lease holds`, async () => {
    const table = 'crash_outbox';
    const log = path.join(dir, 'runs.log');
    const producer = new PostgresOutbox({ pool, table, handler: async () => undefined, registry: false });
    await producer.migrate();
    let next = 0;
    const start = (): Worker => {
      const w = startWorker({
        DATABASE_URL: server.url,
        TABLE: table,
        CONSUMER: `c${next++}`,
        RUN_LOG: log,
        LEASE_MS: '1500',
      });
      workers.push(w);
      return w;
    };
    const live = [start(), start(), start()];
    await Promise.all(
      live.map((w) =>
        waitFor(() => w.output().includes('ready'), { what: `${w.consumer} ready`, timeoutMs: 20_000 }),
      ),
    );

    // Events are added in transactions of 10 while consumers are killed and replaced.
    const produce = (async () => {
      for (let i = 0; i < N; i += 10) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          for (let j = i; j < i + 10; j++)
            await producer.add({ type: 'e', payload: { j }, id: `e-${j}` }, { client });
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      }
    })();
    const kills: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      await sleep(250 + Math.random() * 250);
      const victim = live.splice(Math.floor(Math.random() * live.length), 1)[0];
      victim.killedAt = Date.now();
      victim.child.kill('SIGKILL');
      expect((await victim.exited).signal).toBe('SIGKILL');
      kills.push(victim.killedAt);
      const fresh = start();
      live.push(fresh);
      await waitFor(() => fresh.output().includes('ready'), {
        what: `${fresh.consumer} ready`,
        timeoutMs: 20_000,
      });
    }
    await produce;
    await waitFor(async () => (await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n === 0, {
      what: 'every event handled',
      timeoutMs: 60_000,
    });

    const runs = readRuns(log);
    const killedAt = new Map(workers.filter((w) => w.killedAt).map((w) => [w.consumer, w.killedAt!]));
    const handled = new Set(runs.filter((r) => r.end !== undefined).map((r) => r.id));
    const lost = Array.from({ length: N }, (_, j) => `e-${j}`).filter((id) => !handled.has(id));
    expect(lost).toEqual([]);

    // A run cut short by a kill lasted (for this check) until the kill.
    const byId = new Map<string, Run[]>();
    for (const r of runs) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
    const overlaps: string[] = [];
    let rerun = 0;
    for (const [id, list] of byId) {
      if (list.length > 1) rerun++;
      const spans = list.map((r) => ({ ...r, until: r.end ?? killedAt.get(r.consumer) ?? Infinity }));
      for (let a = 0; a < spans.length; a++) {
        for (let b = a + 1; b < spans.length; b++) {
          const [x, y] = [spans[a], spans[b]];
          if (x.start < y.until && y.start < x.until) overlaps.push(`${id}: ${x.consumer} and ${y.consumer}`);
        }
      }
    }
    expect(overlaps).toEqual([]);
    // The figures, for the record: how many ran again after a kill.
    process.stdout.write(
      `pg outbox crash test: ${N} events, ${KILLS} kills, ${runs.length} runs, ${rerun} events run more than once, 0 lost, 0 overlaps\n`,
    );
  }, 120_000);

  it('stop() lets a consumer process exit on its own', async () => {
    const w = startWorker({
      DATABASE_URL: server.url,
      TABLE: 'exit_outbox',
      CONSUMER: 'exiter',
      RUN_LOG: path.join(dir, 'exit.log'),
      STOP_AFTER_MS: '800',
    });
    workers.push(w);
    await waitFor(() => w.output().includes('ready'), { what: 'ready', timeoutMs: 20_000 });
    const t0 = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 10_000)));
    const exit = await Promise.race([w.exited, hung]);
    clearTimeout(timer);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(w.output()).toContain('stopped');
    expect(Date.now() - t0).toBeLessThan(800 + 5000);
  });
});
