import Redis, { type RedisOptions } from 'ioredis';
import { Registry } from 'prom-client';
import { redisCheck } from '../../../checks/redisCheck';
import { RedisCache } from '../../../src/cache/RedisCache';
import { RedisUnavailableError } from '../../../src/errors/RedisUnavailableError';
import { FeatureFlags } from '../../../src/flags/FeatureFlags';
import { RedisFlagStore } from '../../../src/flags/RedisFlagStore';
import { DependencyManager } from '../../../src/manager/DependencyManager';
import { Outbox } from '../../../src/outbox/Outbox';
import { boundedCommand } from '../../../src/redis/boundedCommand';
import { freePort } from '../../support/freePort';
import { useRedisServer } from '../../support/useRedisServer';

/** Every component's command timeout in these tests. */
const TIMEOUT_MS = 1000;
/** Generous: a busy shared 2-core machine. */
const MARGIN_MS = 1500;

const { server } = useRedisServer({ client: false });
const clients: Redis[] = [];
/**
 * For clients whose socket is closed when afterEach disconnects them: ioredis would otherwise arm
 * a ref'd 2 s timer that nothing clears and hold the jest worker open after the last test.
 */
const NO_LINGER: RedisOptions = { disconnectTimeout: 0 };
const stoppers: Array<() => Promise<unknown>> = [];

/** A client made the way an app makes it: `new Redis(url)`, nothing awaited. */
function freshClient(url: string, opts: RedisOptions = {}): Redis {
  const client = new Redis(url, opts);
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const stop of stoppers.splice(0)) await stop();
  for (const c of clients.splice(0)) c.disconnect();
  if (!server().running) await server().restart();
});

describe('a client still making its first connection', () => {
  it('flags: new Redis(url), then at once start() and set() succeed', async () => {
    const redis = freshClient(server().url);
    expect(redis.status).not.toBe('ready');
    const flags = new FeatureFlags({ store: new RedisFlagStore(redis), registry: false });
    stoppers.push(() => flags.stop());
    await flags.start();
    expect(flags.stale).toBe(false);
    await expect(flags.set('x', true)).resolves.toMatchObject({ key: 'x', enabled: true });
    expect(flags.isEnabled('x')).toBe(true);
  });

  it('flags: set() right after new Redis(url), without start(), succeeds', async () => {
    const flags = new FeatureFlags({ store: new RedisFlagStore(freshClient(server().url)), registry: false });
    await expect(flags.set('y', true)).resolves.toMatchObject({ enabled: true });
  });

  it('outbox: add() and recoverPending() right after new Redis(url) succeed', async () => {
    const outbox = new Outbox({
      redis: freshClient(server().url),
      stream: 'startup:outbox',
      handler: async () => undefined,
      registry: new Registry(),
    });
    stoppers.push(() => outbox.stop());
    await expect(outbox.add({ type: 'order.created', payload: { id: 1 } })).resolves.toEqual(
      expect.any(String),
    );
    const other = new Outbox({
      redis: freshClient(server().url),
      stream: 'startup:outbox',
      handler: async () => undefined,
      registry: new Registry(),
    });
    stoppers.push(() => other.stop());
    await expect(other.recoverPending()).resolves.toEqual({ recovered: 0, manualReview: 0 });
  });

  it('cache: set() and get() right after new Redis(url) succeed', async () => {
    const cache = new RedisCache(freshClient(server().url), { commandTimeoutMs: TIMEOUT_MS });
    await cache.set('k', { value: 42, storedAt: Date.now(), ttlMs: 60_000 }, 60_000);
    const reader = new RedisCache(freshClient(server().url), { commandTimeoutMs: TIMEOUT_MS });
    await expect(reader.get('k')).resolves.toMatchObject({ value: 42 });
  });

  it('redisCheck: the first round on a brand-new client is OK', async () => {
    const manager = new DependencyManager({ registry: false });
    manager.register(redisCheck(freshClient(server().url), { timeoutMs: TIMEOUT_MS }));
    stoppers.push(() => manager.stop());
    await manager.start();
    expect(manager.snapshot().get('redis')?.status).toBe('OK');
  });

  it('many concurrent calls share one ready listener on the client', async () => {
    const redis = freshClient(server().url);
    const baseline = redis.listenerCount('ready');
    const calls = Array.from({ length: 200 }, (_, i) =>
      boundedCommand(redis, TIMEOUT_MS, 'SET', (c) => c.set(`leak:${i}`, '1')),
    );
    expect(redis.listenerCount('ready')).toBeLessThanOrEqual(baseline + 1);
    await Promise.all(calls);
    expect(redis.listenerCount('ready')).toBe(baseline);
  });
});

describe('a client that cannot connect or lost its connection', () => {
  it('to a port where nothing listens: fails with RedisUnavailableError within the timeout, never hangs', async () => {
    const port = await freePort();
    const redis = freshClient(`redis://127.0.0.1:${port}`, { retryStrategy: () => 50, ...NO_LINGER });
    const flags = new FeatureFlags({
      store: new RedisFlagStore(redis, { commandTimeoutMs: TIMEOUT_MS }),
      registry: false,
    });
    stoppers.push(() => flags.stop());
    let t0 = performance.now();
    await flags.start();
    const startMs = performance.now() - t0;
    expect(flags.stale).toBe(true);
    t0 = performance.now();
    await expect(flags.set('x', true)).rejects.toThrow(RedisUnavailableError);
    const setMs = performance.now() - t0;
    await expect(flags.set('x', true)).rejects.toThrow(/not ready .* after 1000 ms: set flag "x" not sent/);
    expect(startMs).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    expect(setMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(setMs).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    // Reported to the lead: start-up and set() on a Redis that never answers.
    console.log(`never-connected: start ${startMs.toFixed(0)} ms, set rejected after ${setMs.toFixed(0)} ms`);
  });

  it('a ready client whose server() was killed fails at once (< 50 ms), in every component', async () => {
    const redis = freshClient(server().url, { retryStrategy: () => 100, ...NO_LINGER });
    const flags = new FeatureFlags({
      store: new RedisFlagStore(redis, { commandTimeoutMs: TIMEOUT_MS }),
      registry: false,
    });
    stoppers.push(() => flags.stop());
    await flags.start();
    const cache = new RedisCache(redis, { commandTimeoutMs: TIMEOUT_MS });
    const outbox = new Outbox({
      redis,
      stream: 'killed:outbox',
      handler: async () => undefined,
      registry: new Registry(),
    });
    await outbox.add({ type: 't', payload: 1 });
    await server().kill();
    while (redis.status === 'ready') await new Promise((r) => setTimeout(r, 5));
    const timed = async (call: () => Promise<unknown>): Promise<number> => {
      const t0 = performance.now();
      await expect(call()).rejects.toThrow(RedisUnavailableError);
      return performance.now() - t0;
    };
    const times = [
      await timed(() => flags.set('x', true)),
      await timed(() => outbox.add({ type: 't', payload: 2 })),
      await timed(() => outbox.recoverPending()),
      await timed(() => cache.get('k')),
    ];
    for (const ms of times) expect(ms).toBeLessThan(50);
    // Reported to the lead: known-down failure latency.
    console.log(
      `known-down: ${times.map((t) => t.toFixed(2)).join(' / ')} ms (flags / add / recover / cache)`,
    );
  });
});
