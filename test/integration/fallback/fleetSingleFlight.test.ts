import Redis from 'ioredis';
import { Registry } from 'prom-client';
import { MemoryCache } from '../../../src/cache/MemoryCache';
import { RedisCache } from '../../../src/cache/RedisCache';
import { ConfigError } from '../../../src/errors/ConfigError';
import { fallback } from '../../../src/fallback/fallback';
import type { FallbackOptions } from '../../../src/fallback/FallbackOptions';
import { useRedisServer } from '../../support/useRedisServer';
import { MAX_POLL_MS } from '../../../src/fallback/FleetSingleFlight';

// Each "instance" below has its own client and RedisCache, like a process of the fleet would; the
// multi-process proof is in fleetProcesses.test.ts.
const COMMAND_TIMEOUT_MS = 100;
const SOURCE_MS = 150;
const MARGIN_MS = 1500; // a busy 2-core machine; a hang would be unbounded

const suite = useRedisServer();
const clients: Redis[] = [];
afterEach(() => {
  suite.server().resume();
  for (const c of clients.splice(0)) c.disconnect();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Never waits on the offline queue; `disconnectTimeout`: ioredis arms a 2 s timer on a frozen socket. */
async function readyClient(url: string): Promise<Redis> {
  const client = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => 100,
    disconnectTimeout: 20,
  });
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  return client;
}

async function instance(
  key: string,
  source: (id: string) => Promise<unknown>,
  extra: Partial<FallbackOptions<unknown, [string]>> = {},
) {
  const client = await readyClient(suite.server().url);
  clients.push(client);
  const cache = new RedisCache(client, { commandTimeoutMs: COMMAND_TIMEOUT_MS });
  const fb = fallback<unknown, [string]>({
    name: key,
    key: (id) => id,
    cache,
    ttlMs: 60_000,
    sourceTimeoutMs: 1000,
    sources: [source],
    singleFlight: 'fleet',
    registry: false,
    ...extra,
  });
  return { fb, cache };
}

/** `statuskit_fallback_fleet_total` of `name` by outcome (non-zero only), and how many waits were observed. */
async function fleetMetricsOf(registry: Registry, name: string) {
  const counts: Record<string, number> = {};
  const total = await registry.getSingleMetric('statuskit_fallback_fleet_total')!.get();
  for (const v of total.values)
    if (v.labels.name === name && v.value > 0) counts[String(v.labels.outcome)] = v.value;
  const wait = (await registry.getSingleMetric('statuskit_fallback_fleet_wait_seconds')!.get()).values as {
    metricName?: string;
    labels: Record<string, unknown>;
    value: number;
  }[];
  const of = (suffix: string) =>
    wait.find((v) => v.metricName?.endsWith(suffix) === true && v.labels.name === name)?.value ?? 0;
  return { counts, waits: of('_count'), waitedSeconds: of('_sum') };
}

function countingSource(ms = SOURCE_MS) {
  const calls: number[] = [];
  const source = async (id: string) => {
    calls.push(Date.now());
    await sleep(ms);
    return { id, n: calls.length };
  };
  return { calls, source };
}

describe("fallback({ singleFlight: 'fleet' }) options", () => {
  const base = { name: 'x', key: (id: string) => id, ttlMs: 1000, sources: [(id: string) => id] };

  it('refuses a fleet single flight without a RedisCache, naming the option', () => {
    for (const cache of [new MemoryCache(), undefined]) {
      expect(() => fallback({ ...base, cache, singleFlight: 'fleet' })).toThrow(ConfigError);
      expect(() => fallback({ ...base, cache, singleFlight: 'fleet' })).toThrow(/`singleFlight`.*RedisCache/);
    }
  });

  it('refuses unknown values and the windows a fleet cannot use', () => {
    const cache = new RedisCache(suite.redis());
    expect(() => fallback({ ...base, cache, singleFlight: 'cluster' as 'fleet' })).toThrow(
      /`singleFlight` must be one of "process", "fleet"/,
    );
    expect(() => fallback({ ...base, cache, ttlMs: 0, singleFlight: 'fleet' })).toThrow(/`ttlMs`/);
    expect(() => fallback({ ...base, cache, sourceTimeoutMs: Infinity, singleFlight: 'fleet' })).toThrow(
      /`sourceTimeoutMs`.*finite/,
    );
    expect(() => fallback({ ...base, cache, staleTtlMs: -1, singleFlight: 'fleet' })).toThrow(/`staleTtlMs`/);
    expect(fallback({ ...base, cache, singleFlight: 'fleet' }).name).toBe('x');
    expect(fallback({ ...base, cache: new MemoryCache(), singleFlight: 'process' }).name).toBe('x');
  });
});

describe("fallback({ singleFlight: 'fleet' }) on a real redis-server", () => {
  it('three instances × 25 concurrent calls for one cold key: one source call, one value', async () => {
    const { calls, source } = countingSource();
    const registry = new Registry();
    const fleet = await Promise.all([1, 2, 3].map(() => instance('cold', source, { registry })));
    const answers = await Promise.all(
      fleet.flatMap(({ fb }) => Array.from({ length: 25 }, () => fb.get('42'))),
    );
    expect(calls).toHaveLength(1);
    expect(new Set(answers.map((a) => JSON.stringify(a.value)))).toEqual(new Set(['{"id":"42","n":1}']));
    // The holder's 25 calls answered from the source, the other instances' 50 from its entry.
    expect(answers.filter((a) => a.source === 'source')).toHaveLength(25);
    expect(answers.filter((a) => a.source === 'cache')).toHaveLength(50);
    expect(await suite.redis().exists('statuskit:{cache}:~lease:cold:42')).toBe(0);
    // Each instance reaches the lease once for its 25 callers; the two that waited say how long.
    const m = await fleetMetricsOf(registry, 'cold');
    expect(m.counts).toEqual({ holder: 1, shared: 2 });
    expect(m.waits).toBe(2);
    expect(m.waitedSeconds).toBeGreaterThan(0);
  });

  it('the lease is released only by its holder', async () => {
    const lease = new RedisCache(suite.redis()).fleetLease();
    expect(await lease.acquire('k', 'a', 5000)).toBe(true);
    expect(await lease.acquire('k', 'b', 5000)).toBe(false);
    expect(await lease.release('k', 'b')).toBe(false);
    expect(await lease.held('k')).toBe(true);
    expect(await lease.release('k', 'a')).toBe(true);
    expect(await lease.held('k')).toBe(false);
  });

  it('when the holder fails, the next instance takes the lease: the sources are never called concurrently', async () => {
    let running = 0;
    let overlap = false;
    let n = 0;
    const source = async (id: string) => {
      n++;
      running++;
      if (running > 1) overlap = true;
      await sleep(SOURCE_MS);
      running--;
      if (n === 1) throw new Error('database recovering');
      return { id };
    };
    const registry = new Registry();
    const fleet = await Promise.all([1, 2, 3].map(() => instance('failing', source, { registry })));
    const answers = await Promise.all(fleet.map(({ fb }) => fb.get('7').catch((e: Error) => e.name)));
    expect(answers).toContain('FallbackExhaustedError');
    expect(answers.filter((a) => typeof a === 'object')).toHaveLength(2);
    expect(n).toBe(2); // the second caller wrote the entry, the third read it
    expect(overlap).toBe(false);
    expect((await fleetMetricsOf(registry, 'failing')).counts).toEqual({
      holder: 1,
      took_over: 1,
      shared: 1,
    });
  });

  it('a holder that died leaves a lease that expires: a waiter calls the sources after it, not before', async () => {
    const { calls, source } = countingSource(10);
    const { fb, cache } = await instance('orphan', source);
    const leaseMs = 600;
    await cache.fleetLease().acquire('orphan:1', 'dead-holder', leaseMs);
    const started = Date.now();
    const answer = await fb.get('1');
    const tookMs = Date.now() - started;
    expect(answer.source).toBe('source');
    expect(calls).toHaveLength(1);
    expect(tookMs).toBeGreaterThanOrEqual(leaseMs - 50);
    expect(tookMs).toBeLessThan(leaseMs + MARGIN_MS);
  });

  it('a waiter waits at most two leases (a holder, a successor), then calls the sources', async () => {
    const { calls, source } = countingSource(10);
    const registry = new Registry();
    const { fb, cache } = await instance('stuck', source, { sourceTimeoutMs: 300, registry });
    await cache.fleetLease().acquire('stuck:1', 'slow-holder', 60_000);
    const started = Date.now();
    expect((await fb.get('1')).source).toBe('source');
    const tookMs = Date.now() - started;
    expect(calls).toHaveLength(1);
    const waitMs = 2 * (300 + 2 * COMMAND_TIMEOUT_MS) + MAX_POLL_MS + COMMAND_TIMEOUT_MS;
    expect(tookMs).toBeGreaterThanOrEqual(waitMs - 50);
    expect(tookMs).toBeLessThan(waitMs + MARGIN_MS);
    const m = await fleetMetricsOf(registry, 'stuck');
    expect(m.counts).toEqual({ timed_out: 1 });
    expect(m.waitedSeconds).toBeGreaterThanOrEqual((waitMs - 50) / 1000);
  });

  it("an invalidate during the holder's call keeps its value out: the waiters call the sources again", async () => {
    const { calls, source } = countingSource();
    const [a, b] = await Promise.all([1, 2].map(() => instance('inval', source)));
    const first = a.fb.get('1');
    await sleep(30);
    const second = b.fb.get('1');
    await a.fb.invalidate('1');
    await Promise.all([first, second]);
    expect(calls).toHaveLength(2);
  });

  it('frozen Redis: calls answered from the sources within the bounds, one source call per process', async () => {
    const { calls, source } = countingSource(10);
    const registry = new Registry();
    const { fb } = await instance('frozen', source, { registry });
    suite.server().freeze();
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 25 }, () => fb.get('1')));
    const tookMs = Date.now() - started;
    expect(answers.map((a) => a.source)).toEqual(answers.map(() => 'source'));
    expect(calls).toHaveLength(1);
    // The cache read's bound, then the lease's; later calls skip the lease for a while.
    expect(tookMs).toBeLessThan(2 * COMMAND_TIMEOUT_MS + MARGIN_MS);
    const again = Date.now();
    expect((await fb.get('2')).source).toBe('source');
    expect(Date.now() - again).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
    expect((await fleetMetricsOf(registry, 'frozen')).counts).toEqual({ redis_failed: 1, skipped: 1 });
  });

  it('Redis down: calls answered from the sources at once, one source call per process', async () => {
    const { calls, source } = countingSource(10);
    const client = await readyClient(suite.server().url);
    clients.push(client);
    const fb = fallback<unknown, [string]>({
      name: 'down',
      key: (id) => id,
      cache: new RedisCache(client, { commandTimeoutMs: COMMAND_TIMEOUT_MS }),
      ttlMs: 60_000,
      sources: [source],
      singleFlight: 'fleet',
      registry: false,
    });
    client.disconnect(); // known down: every command fails at once
    const answers = await Promise.all(Array.from({ length: 25 }, () => fb.get('1')));
    expect(answers.map((a) => a.source)).toEqual(answers.map(() => 'source'));
    expect(calls).toHaveLength(1);
  });
});
