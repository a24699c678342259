/**
 * Benchmark: end-to-end outbox throughput (add → handled → acknowledged) against a raw
 * XADD / XREADGROUP / XACK loop on the same redis-server in the same run, rounds alternated so drift
 * on a shared machine hits both alike. Also the two halves alone: adding only, and draining a
 * pre-filled stream.
 *
 * Run: npx tsc -p tsconfig.bench.json; node dist-bench/bench/outbox.js
 */
import os from 'node:os';
import Redis from 'ioredis';
import { Registry } from 'prom-client';
import { Outbox } from '../src/outbox/Outbox';
import { RedisServer } from '../test/support/RedisServer';
import { printWhenMain } from './lib/printWhenMain';

const QUICK = process.env.BENCH_QUICK === '1';
const EVENTS = QUICK ? 5_000 : 20_000;
const ROUNDS = QUICK ? 3 : 7;
/** Adds in flight at once (request handlers writing events concurrently). */
const PRODUCERS = 32;
const BATCH = 100;
const GROUP = 'bench';
const payload = (i: number) => ({ orderId: i, total: 42.5, currency: 'EUR' });
const noopHandler = async (): Promise<void> => undefined;

interface Pipeline {
  /** Adds event `i`. */
  add(i: number): Promise<unknown>;
  /** Starts consuming; resolves once `n` events are handled and acknowledged. */
  consume(n: number): Promise<void>;
  close(): Promise<void>;
}

async function produce(p: Pipeline, n: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await p.add(next++);
  };
  await Promise.all(Array.from({ length: PRODUCERS }, worker));
}

async function pendingIsZero(redis: Redis, key: string): Promise<void> {
  while (((await redis.xpending(key, GROUP)) as [number])[0] > 0) await new Promise((r) => setTimeout(r, 1));
}

/** The baseline: plain XADD, XREADGROUP COUNT 100 BLOCK on a second connection, one XACK per batch. */
function rawPipeline(redis: Redis, key: string): Pipeline {
  const reader = redis.duplicate();
  let stopped = false;
  return {
    add: (i) => redis.xadd(key, '*', 'type', 'order.placed', 'payload', JSON.stringify(payload(i))),
    async consume(n) {
      await redis.xgroup('CREATE', key, GROUP, '0', 'MKSTREAM').catch(() => undefined);
      let handled = 0;
      while (handled < n && !stopped) {
        const reply = (await reader.xreadgroup(
          'GROUP',
          GROUP,
          'c',
          'COUNT',
          BATCH,
          'BLOCK',
          100,
          'STREAMS',
          key,
          '>',
        )) as [string, [string, string[]][]][] | null;
        if (!reply) continue;
        const ids: string[] = [];
        for (const [id, fields] of reply[0][1]) {
          JSON.parse(fields[3]);
          await noopHandler();
          ids.push(id);
        }
        await reader.xack(key, GROUP, ...ids);
        handled += ids.length;
      }
    },
    async close() {
      stopped = true;
      reader.disconnect();
    },
  };
}

/** statuskit's Outbox with metrics on, idempotency keys given, default batch size. */
function outboxPipeline(redis: Redis, stream: string): Pipeline {
  let handled = 0;
  let target = Infinity;
  let reached: () => void = () => undefined;
  const outbox = new Outbox({
    redis,
    stream,
    group: GROUP,
    consumer: 'c',
    registry: new Registry(),
    blockMs: 100,
    handler: async () => {
      if (++handled >= target) reached();
    },
  });
  return {
    add: (i) => outbox.add({ type: 'order.placed', payload: payload(i), id: `order-${i}` }),
    async consume(n) {
      target = n;
      const done = new Promise<void>((r) => (reached = r));
      outbox.start();
      if (handled < n) await done;
      await pendingIsZero(redis, outbox.streamKey);
    },
    close: () => outbox.stop(),
  };
}

type Kind = 'raw' | 'outbox';
const build = (kind: Kind, redis: Redis, round: number): Pipeline =>
  kind === 'raw' ? rawPipeline(redis, `raw:{r${round}}`) : outboxPipeline(redis, `ob:r${round}`);

/** CPU seconds used so far by redis-server (main thread and background). */
async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return read('used_cpu_user') + read('used_cpu_sys');
}

interface Figure {
  /** Events per second (wall clock). */
  perSec: number;
  /** CPU µs per event: this Node process plus redis-server. Less sensitive to a busy machine. */
  cpuUs: number;
}

async function timed(redis: Redis, fn: () => Promise<void>): Promise<Figure> {
  const redisBefore = await redisCpu(redis);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await fn();
  const wallMs = performance.now() - started;
  const node = process.cpuUsage(cpu);
  const redisUs = ((await redisCpu(redis)) - redisBefore) * 1e6;
  return {
    perSec: Math.round((EVENTS * 1000) / wallMs),
    cpuUs: Math.round(((node.user + node.system + redisUs) / EVENTS) * 10) / 10,
  };
}

type Phase = 'endToEnd' | 'addOnly' | 'drainOnly';
const PHASES: readonly Phase[] = ['endToEnd', 'addOnly', 'drainOnly'];

/** Adding while consuming (end to end), adding alone, draining a pre-filled stream. */
async function measure(kind: Kind, redis: Redis, round: number): Promise<Record<Phase, Figure>> {
  await redis.flushall();
  let p = build(kind, redis, round);
  const endToEnd = await timed(redis, () =>
    Promise.all([produce(p, EVENTS), p.consume(EVENTS)]).then(() => undefined),
  );
  await p.close();
  await redis.flushall();
  p = build(kind, redis, round);
  const addOnly = await timed(redis, () => produce(p, EVENTS));
  const drainOnly = await timed(redis, () => p.consume(EVENTS));
  await p.close();
  return { endToEnd, addOnly, drainOnly };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round3 = (x: number) => Math.round(x * 1000) / 1000;

type Round = Record<Kind, Record<Phase, Figure>>;

function summarize(rounds: Round[]): Record<string, unknown> {
  const per = (f: (r: Round, phase: Phase) => number) =>
    Object.fromEntries(PHASES.map((phase) => [phase, median(rounds.map((r) => f(r, phase)))]));
  return {
    medianEventsPerSec: {
      raw: per((r, ph) => r.raw[ph].perSec),
      outbox: per((r, ph) => r.outbox[ph].perSec),
    },
    // Ratios are taken round by round (raw and outbox ran back to back), then the median.
    medianThroughputRatio: per((r, ph) => round3(r.outbox[ph].perSec / r.raw[ph].perSec)),
    medianCpuUsPerEvent: {
      raw: per((r, ph) => r.raw[ph].cpuUs),
      outbox: per((r, ph) => r.outbox[ph].cpuUs),
    },
    medianCpuCostRatio: per((r, ph) => round3(r.raw[ph].cpuUs / r.outbox[ph].cpuUs)),
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const server = await RedisServer.start();
  const redis = new Redis(server.url);
  try {
    await redis.ping();
    await measure('raw', redis, 0); // warm-up: JIT, script cache, allocator
    await measure('outbox', redis, 0);
    const rounds: Round[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      const first: Kind = r % 2 ? 'raw' : 'outbox';
      const a = await measure(first, redis, r);
      const b = await measure(first === 'raw' ? 'outbox' : 'raw', redis, r);
      rounds.push(first === 'raw' ? { raw: a, outbox: b } : { raw: b, outbox: a });
    }
    return {
      node: process.version,
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      events: EVENTS,
      producers: PRODUCERS,
      rounds: rounds.length,
      ...summarize(rounds),
      targetEndToEndRatio: 0.5,
      perRound: rounds,
    };
  } finally {
    // RedisServer.stop() awaits the (unref'd) redis-server's exit: keep the loop alive meanwhile.
    const keepAlive = setInterval(() => undefined, 1000);
    redis.disconnect();
    await server.stop();
    clearInterval(keepAlive);
  }
}

printWhenMain(module, run);
