import type { CacheTier } from '../../../src/cache/CacheTier';
import { MemoryCache } from '../../../src/cache/MemoryCache';
import { RedisCache } from '../../../src/cache/RedisCache';
import { FallbackExhaustedError } from '../../../src/errors/FallbackExhaustedError';
import { fallback } from '../../../src/fallback/fallback';
import { clock } from '../../support/clock';
import { useRedisServer } from '../../support/useRedisServer';

const { redis } = useRedisServer();

const tiers: Array<[string, (now: () => number) => CacheTier]> = [
  ['MemoryCache', (now) => new MemoryCache({ now })],
  ['RedisCache', () => new RedisCache(redis(), { commandTimeoutMs: 1000 })],
];

/** Waits until the fire-and-forget write-back has landed. */
async function cached(cache: CacheTier, key: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await cache.get(key)) !== undefined) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${key} never reached the cache`);
}

describe.each(tiers)('fallback chain over %s', (_name, makeCache) => {
  let c: ReturnType<typeof clock>;
  let cache: CacheTier;
  beforeEach(async () => {
    await redis().flushall();
    c = clock();
    cache = makeCache(c.now);
  });

  function chain(sources: Array<(id: string) => unknown>, extra: { stub?: (id: string) => unknown } = {}) {
    return fallback<unknown, [string]>({
      name: 'chain',
      key: (id) => `product:${id}`,
      cache,
      ttlMs: 1000,
      staleTtlMs: 4000,
      sourceTimeoutMs: 300,
      sources,
      now: c.now,
      registry: false,
      ...extra,
    });
  }

  it('walks every step: source, fresh hit, second source, stale, stub, exhausted', async () => {
    let dbUp = true;
    let partnerUp = true;
    let stubUp = true;
    const db = jest.fn(async (id: string) => {
      if (!dbUp) throw new Error('db down');
      return { id, from: 'db' };
    });
    const partner = jest.fn(async (id: string) => {
      if (!partnerUp) throw new Error('partner down');
      return { id, from: 'partner' };
    });
    const fb = chain([db, partner], {
      stub: (id) => {
        if (!stubUp) throw new Error('stub down');
        return { id, from: 'stub' };
      },
    });

    expect(await fb.get('1')).toEqual({ value: { id: '1', from: 'db' }, source: 'source', sourceIndex: 0 });
    await cached(cache, 'chain:product:1');
    c.advance(500);
    expect(await fb.get('1')).toEqual({ value: { id: '1', from: 'db' }, source: 'cache', ageMs: 500 });

    dbUp = false;
    expect(await fb.get('2')).toEqual({
      value: { id: '2', from: 'partner' },
      source: 'source',
      sourceIndex: 1,
    });

    partnerUp = false;
    c.advance(2000); // product:1 is 2500 ms old: stale, but within ttlMs + staleTtlMs
    expect(await fb.get('1')).toEqual({ value: { id: '1', from: 'db' }, source: 'stale', ageMs: 2500 });

    expect(await fb.get('3')).toEqual({ value: { id: '3', from: 'stub' }, source: 'stub' });

    stubUp = false;
    const err = (await fb.get('3').catch((e: unknown) => e)) as FallbackExhaustedError;
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect(err.causes.map((e) => (e as Error).message)).toEqual(['db down', 'partner down', 'stub down']);
  });

  it('moves to the second source when the first times out', async () => {
    const fb = chain([() => new Promise(() => undefined), (id) => `partner:${id}`]);
    const started = Date.now();
    expect(await fb.get('1')).toEqual({ value: 'partner:1', source: 'source', sourceIndex: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('stops serving a stale entry at exactly ttlMs + staleTtlMs', async () => {
    let up = true;
    const fb = chain([(id) => (up ? `v${id}` : Promise.reject(new Error('down')))], { stub: () => 'stub' });
    await fb.get('1');
    await cached(cache, 'chain:product:1');
    up = false;
    c.advance(4999);
    expect(await fb.get('1')).toMatchObject({ value: 'v1', source: 'stale', ageMs: 4999 });
    c.advance(1);
    expect(await fb.get('1')).toEqual({ value: 'stub', source: 'stub' });
  });

  it('calls the source once for 100 concurrent calls on one key', async () => {
    let calls = 0;
    const fb = chain([
      async (id) => {
        calls++;
        await new Promise((r) => setTimeout(r, 30));
        return `v${id}`;
      },
    ]);
    const answers = await Promise.all(Array.from({ length: 100 }, () => fb.get('1')));
    expect(calls).toBe(1);
    expect(answers.every((a) => a.value === 'v1')).toBe(true);
  });

  it('is empty again after invalidate()', async () => {
    const fb = chain([(id) => `v${id}`]);
    await fb.get('1');
    await cached(cache, 'chain:product:1');
    await fb.invalidate('1');
    expect(await cache.get('chain:product:1')).toBeUndefined();
    expect((await fb.get('1')).source).toBe('source');
  });
});
