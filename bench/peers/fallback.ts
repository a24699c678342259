/**
 * Benchmark: fallback().get on a memory hit and on a Redis hit against cache-manager v7's
 * `wrap` on equivalent stores (Keyv's in-memory Map; Keyv + @keyv/redis on the same redis-server),
 * in the same run; then the latency of calls while Redis is frozen (SIGSTOP).
 *
 * Run: npm run bench -- fallback (installs bench/peers's packages on first use)
 */
import KeyvRedis, { Keyv } from '@keyv/redis';
import { createCache, type Cache } from 'cache-manager';
import Redis from 'ioredis';
import { Registry } from 'prom-client';
import type { CacheTier } from '../../src/cache/CacheTier';
import { MemoryCache } from '../../src/cache/MemoryCache';
import { RedisCache } from '../../src/cache/RedisCache';
import { fallback } from '../../src/fallback/fallback';
import { RedisServer } from '../../test/support/RedisServer';
import { printWhenMain } from '../lib/printWhenMain';

const KEYS = 1000;
const TTL_MS = 10 * 60_000;
const COMMAND_TIMEOUT_MS = 100;
const product = (k: string) => ({ id: k, name: `product ${k}`, price: 9.99, tags: ['a', 'b'] });

type Op = (i: number) => Promise<unknown>;

interface Figures {
  opsPerSec: number;
  p50Us: number;
  p99Us: number;
}

/** Ops per second with `concurrency` calls in flight, over `durationMs` after a warm-up. */
async function throughput(op: Op, durationMs: number, concurrency: number): Promise<number> {
  const runFor = async (ms: number): Promise<number> => {
    let done = 0;
    const end = performance.now() + ms;
    const worker = async (w: number): Promise<void> => {
      for (let i = w; performance.now() < end; i += concurrency) {
        // A batch of calls between clock reads keeps the clock out of the figure.
        for (let j = 0; j < 64; j++) await op(i + j * concurrency);
        done += 64;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
    return (done * 1000) / (performance.now() - started);
  };
  await runFor(Math.min(300, durationMs));
  return runFor(durationMs);
}

/** Per-call latency of `n` sequential calls, in microseconds. */
async function latency(op: Op, n: number): Promise<{ p50Us: number; p99Us: number; maxUs: number }> {
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await op(i);
    samples[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  samples.sort();
  const at = (q: number) => Math.round(samples[Math.min(n - 1, Math.floor(q * n))] * 10) / 10;
  return { p50Us: at(0.5), p99Us: at(0.99), maxUs: at(1) };
}

async function measure(
  op: Op,
  opts: { durationMs: number; concurrency: number; samples: number },
): Promise<Figures> {
  const opsPerSec = Math.round(await throughput(op, opts.durationMs, opts.concurrency));
  const { p50Us, p99Us } = await latency(op, opts.samples);
  return { opsPerSec, p50Us, p99Us };
}

async function warm(op: Op): Promise<void> {
  for (let i = 0; i < KEYS; i++) await op(i);
}

function compare(statuskit: Figures, cacheManager: Figures) {
  return {
    statuskit,
    cacheManager,
    throughputRatio: Math.round((statuskit.opsPerSec / cacheManager.opsPerSec) * 100) / 100,
  };
}

/** Memory-hit `fallback().get` on `cache` against cache-manager's `wrap` on its in-memory store. */
export async function memoryHit(cache: CacheTier = new MemoryCache()) {
  const fb = fallback({
    name: 'bench-memory',
    key: (k: string) => k,
    cache,
    ttlMs: TTL_MS,
    sources: [async (k: string) => product(k)],
    registry: new Registry(), // metrics on, as in production
  });
  const cm = createCache({ ttl: TTL_MS });
  const ours: Op = (i) => fb.get(`p:${i % KEYS}`);
  const theirs: Op = (i) => {
    const k = `p:${i % KEYS}`;
    return cm.wrap(k, async () => product(k), TTL_MS);
  };
  await warm(ours);
  await warm(theirs);
  const opts = { durationMs: 1500, concurrency: 1, samples: 50_000 };
  return compare(await measure(ours, opts), await measure(theirs, opts));
}

async function redisHit(redis: Redis, cm: Cache) {
  const fb = fallback({
    name: 'bench-redis',
    key: (k: string) => k,
    cache: new RedisCache(redis, { commandTimeoutMs: COMMAND_TIMEOUT_MS }),
    ttlMs: TTL_MS,
    sources: [async (k: string) => product(k)],
    registry: new Registry(),
  });
  const ours: Op = (i) => fb.get(`p:${i % KEYS}`);
  const theirs: Op = (i) => {
    const k = `p:${i % KEYS}`;
    return cm.wrap(k, async () => product(k), TTL_MS);
  };
  await warm(ours);
  await warm(theirs);
  await new Promise((r) => setTimeout(r, 200)); // let fire-and-forget write-backs land
  // Both caches now answer every key from Redis; concurrency 32 with distinct keys in flight, so
  // neither library's request coalescing turns the run into a single GET.
  const opts = { durationMs: 2000, concurrency: 32, samples: 5000 };
  return compare(await measure(ours, opts), await measure(theirs, opts));
}

async function frozen(server: RedisServer, redis: Redis, cm: Cache) {
  const fb = fallback({
    name: 'bench-frozen',
    key: (k: string) => k,
    cache: new RedisCache(redis, { commandTimeoutMs: COMMAND_TIMEOUT_MS }),
    ttlMs: TTL_MS,
    sources: [async (k: string) => product(k)],
    registry: new Registry(),
  });
  server.freeze();
  try {
    // 10 callers, 30 sequential calls each on distinct keys: 300 samples, so p99 is not the maximum.
    const samples: number[] = [];
    const caller = async (c: number): Promise<void> => {
      for (let i = 0; i < 30; i++) {
        const t = performance.now();
        await fb.get(`frozen:${c}:${i}`);
        samples.push(performance.now() - t);
      }
    };
    await Promise.all(Array.from({ length: 10 }, (_, c) => caller(c)));
    samples.sort((a, b) => a - b);
    const p = (q: number) =>
      Math.round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] * 10) / 10;
    // cache-manager on the same frozen server, one call, given 2 s.
    const t = performance.now();
    const cmOutcome = await Promise.race([
      cm.wrap('frozen:cm', async () => product('cm'), TTL_MS).then(() => 'answered'),
      new Promise<string>((r) => setTimeout(() => r('no answer within 2000 ms'), 2000).unref()),
    ]);
    return {
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
      targetP99Ms: COMMAND_TIMEOUT_MS + 10,
      calls: samples.length,
      p50Ms: p(0.5),
      p99Ms: p(0.99),
      maxMs: p(1),
      withinTarget: p(0.99) <= COMMAND_TIMEOUT_MS + 10,
      cacheManagerWrap: `${cmOutcome} (${Math.round(performance.now() - t)} ms)`,
    };
  } finally {
    server.resume();
  }
}

/** Runs every measurement and returns the figures. */
export async function run(): Promise<Record<string, unknown>> {
  const memory = await memoryHit();
  const server = await RedisServer.start();
  const redis = new Redis(server.url);
  const keyvRedis = new KeyvRedis(server.url);
  const cm = createCache({ stores: [new Keyv({ store: keyvRedis, namespace: 'cm' })], ttl: TTL_MS });
  try {
    await redis.ping();
    const redisFigures = await redisHit(redis, cm);
    const frozenFigures = await frozen(server, redis, cm);
    return { node: process.version, memoryHit: memory, redisHit: redisFigures, frozenRedis: frozenFigures };
  } finally {
    redis.disconnect();
    await keyvRedis.disconnect().catch(() => undefined);
    await server.stop();
  }
}

printWhenMain(module, run);
