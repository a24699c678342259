import Redis from 'ioredis';
import { RedisCache } from '../../../src/cache/RedisCache';
import { UnserializableValueError } from '../../../src/cache/UnserializableValueError';
import { ConfigError } from '../../../src/errors/ConfigError';
import { RedisUnavailableError } from '../../../src/errors/RedisUnavailableError';
import { fallback } from '../../../src/fallback/fallback';
import { useRedisServer } from '../../support/useRedisServer';
import { waitFor } from '../../support/waitFor';

/** These tests check what is stored and read, not speed: a loaded 2-core machine can take over the 100 ms default. */
const ROUND_TRIP = { commandTimeoutMs: 2000 };

const { server, redis } = useRedisServer();
beforeEach(() => redis().flushall());

describe('RedisCache', () => {
  it('stores entries under one hash tag, as JSON with value, stored-at and ttl', async () => {
    const cache = new RedisCache(redis(), ROUND_TRIP);
    expect(cache.prefix).toBe('statuskit:{cache}:');
    await cache.set('user:1', { value: { name: 'Ada' }, storedAt: 42, ttlMs: 1000 }, 5000);
    expect(await redis().keys('*')).toEqual(['statuskit:{cache}:user:1']);
    expect(JSON.parse((await redis().get('statuskit:{cache}:user:1'))!)).toEqual({
      v: { name: 'Ada' },
      s: 42,
      t: 1000,
    });
    expect(await cache.get('user:1')).toEqual({ value: { name: 'Ada' }, storedAt: 42, ttlMs: 1000 });
    expect(await cache.get('user:2')).toBeUndefined();
  });

  it('respects a custom prefix, adding a hash tag to it', async () => {
    const cache = new RedisCache(redis(), { ...ROUND_TRIP, prefix: 'shop:catalog:' });
    await cache.set('k', { value: 1, storedAt: 0, ttlMs: 1 }, 1000);
    expect(await redis().keys('*')).toEqual(['shop:{catalog}:k']);
  });

  it('lets Redis expire an entry after the ttl passed to set (ttlMs + staleTtlMs in a fallback)', async () => {
    const cache = new RedisCache(redis(), ROUND_TRIP);
    const fb = fallback({
      name: 'ttl',
      key: (id: string) => id,
      cache,
      ttlMs: 60_000,
      staleTtlMs: 540_000,
      sources: [() => 'v'],
      registry: false,
    });
    await fb.get('a');
    await waitFor(async () => (await redis().exists('statuskit:{cache}:ttl:a')) === 1, {
      timeoutMs: 5000,
      intervalMs: 10,
    });
    const pttl = await redis().pttl('statuskit:{cache}:ttl:a');
    expect(pttl).toBeGreaterThan(590_000);
    expect(pttl).toBeLessThanOrEqual(600_000);

    await cache.set('short', { value: 1, storedAt: Date.now(), ttlMs: 50 }, 150);
    expect(await cache.get('short')).toBeDefined();
    await waitFor(async () => (await cache.get('short')) === undefined, { timeoutMs: 5000, intervalMs: 10 });
  });

  it('keeps an entry with an infinite ttl without expiry', async () => {
    const cache = new RedisCache(redis(), ROUND_TRIP);
    await cache.set('forever', { value: 1, storedAt: 0, ttlMs: Infinity }, Infinity);
    expect(await redis().pttl('statuskit:{cache}:forever')).toBe(-1);
    expect((await cache.get('forever'))?.ttlMs).toBe(Infinity);
  });

  it('refuses a value that would not survive JSON, and stores nothing', async () => {
    const cache = new RedisCache(redis(), ROUND_TRIP);
    await expect(cache.set('bad', { value: { id: 1n }, storedAt: 0, ttlMs: 1 }, 1000)).rejects.toThrow(
      UnserializableValueError,
    );
    await expect(cache.set('bad', { value: { id: 1n }, storedAt: 0, ttlMs: 1 }, 1000)).rejects.toThrow(
      'value.id is a BigInt',
    );
    expect(await redis().keys('*')).toEqual([]);
  });

  it('rejects with a clear error on a key that holds something else', async () => {
    await redis().set('statuskit:{cache}:foreign', 'hello');
    await expect(new RedisCache(redis(), ROUND_TRIP).get('foreign')).rejects.toThrow(
      'is not a statuskit cache entry',
    );
  });

  it('looks up the keys asked for in the same tick with one MGET', async () => {
    const cache = new RedisCache(redis(), ROUND_TRIP);
    for (let i = 0; i < 10; i++) await cache.set(`k${i}`, { value: i, storedAt: 0, ttlMs: 1 }, 60_000);
    await redis().set('statuskit:{cache}:corrupt', 'not json');
    await redis().config('RESETSTAT');
    const keys = [...Array.from({ length: 10 }, (_, i) => `k${i}`), 'missing', 'k3', 'corrupt'];
    const answers = await Promise.allSettled(keys.map((k) => cache.get(k)));
    expect(answers.slice(0, 10).map((a) => a.status === 'fulfilled' && a.value?.value)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(answers[10]).toEqual({ status: 'fulfilled', value: undefined });
    expect(answers[11]).toMatchObject({ status: 'fulfilled', value: { value: 3 } });
    expect(answers[12]).toMatchObject({ status: 'rejected' });
    const stats = await redis().info('commandstats');
    expect(stats).toMatch(/cmdstat_mget:calls=1,/);
    expect(stats).not.toMatch(/cmdstat_get:/);
  });

  it('deletes an entry', async () => {
    const cache = new RedisCache(redis(), ROUND_TRIP);
    await cache.set('a', { value: 1, storedAt: 0, ttlMs: 1 }, 1000);
    await cache.delete('a');
    expect(await cache.get('a')).toBeUndefined();
  });

  it('rejects at once, without queueing, once the client lost its connection', async () => {
    // disconnectTimeout: ioredis arms an un-unref'd 2 s timer when disconnecting a socket that is still connecting.
    const offline = new Redis(server().url, { retryStrategy: () => null, disconnectTimeout: 10 });
    try {
      const cache = new RedisCache(offline, { commandTimeoutMs: 5000 });
      await cache.set('a', { value: 1, storedAt: Date.now(), ttlMs: 1000 }, 1000);
      offline.disconnect();
      const started = Date.now();
      await expect(cache.get('a')).rejects.toThrow(RedisUnavailableError);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      offline.disconnect();
    }
  });

  it('waits for a lazy client’s first connection instead of failing', async () => {
    const lazy = new Redis(server().url, {
      lazyConnect: true,
      retryStrategy: () => null,
      disconnectTimeout: 10,
    });
    try {
      const cache = new RedisCache(lazy, { commandTimeoutMs: 5000 });
      await expect(cache.get('never-set')).resolves.toBeUndefined();
    } finally {
      lazy.disconnect();
    }
  });

  it.each([
    [{}, 'redis'],
    [{ prefix: '' }, 'prefix'],
    [{ commandTimeoutMs: 0 }, 'commandTimeoutMs'],
    [{ commandTimeoutMs: Infinity }, 'commandTimeoutMs'],
  ])('validates options at construction: %p', (opts, option) => {
    const client = option === 'redis' ? ({} as Redis) : redis();
    const build = () => new RedisCache(client, option === 'redis' ? undefined : opts);
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(`\`${option}\``);
  });
});
