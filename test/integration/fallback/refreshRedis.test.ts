import { Registry } from 'prom-client';
import { RedisCache } from '../../../src/cache/RedisCache';
import { fallback } from '../../../src/fallback/fallback';
import type { FallbackOptions } from '../../../src/fallback/FallbackOptions';
import { clock } from '../../support/clock';
import { useRedisServer } from '../../support/useRedisServer';
import { waitFor } from '../../support/waitFor';

/** These tests check what is stored and read, not speed: a loaded 2-core machine can be slow. */
const ROUND_TRIP = { commandTimeoutMs: 2000 };

const { redis } = useRedisServer();
beforeEach(() => redis().flushall());

/** A source the test releases by hand; each call takes 50 ms of the manual clock. */
function setup(extra: Partial<FallbackOptions<string, [string]>>) {
  const clk = clock();
  const calls: Array<(v: string) => void> = [];
  const source = jest.fn(
    () =>
      new Promise<string>((resolve) =>
        calls.push((v) => {
          clk.advance(50);
          resolve(v);
        }),
      ),
  );
  const chain = fallback<string, [string]>({
    name: 'r',
    key: (id) => `item:${id}`,
    cache: new RedisCache(redis(), ROUND_TRIP),
    ttlMs: 1000,
    staleTtlMs: 60_000,
    sources: [source],
    now: clk.now,
    registry: new Registry(),
    ...extra,
  });
  return { clk, calls, source, chain };
}

const redisKey = 'statuskit:{cache}:r:item:1';

describe('fallback refresh over a real Redis', () => {
  it('early refresh: 100 concurrent hits near expiry start one refresh, answer from Redis, and the new entry lands', async () => {
    const { clk, calls, source, chain } = setup({ earlyRefresh: true, random: () => 1e-12 });
    const first = chain.get('1');
    await waitFor(() => calls.length === 1);
    calls[0]('v1');
    await first;
    await waitFor(async () => (await redis().get(redisKey)) !== null);
    expect(JSON.parse((await redis().get(redisKey))!)).toMatchObject({ v: 'v1', t: 1000, d: 50 });
    clk.advance(900);
    const hits = await Promise.all(Array.from({ length: 100 }, () => chain.get('1')));
    for (const h of hits) expect(h).toEqual({ value: 'v1', source: 'cache', ageMs: 900, revalidating: true });
    expect(source).toHaveBeenCalledTimes(2);
    calls[1]('v2');
    await waitFor(async () => JSON.parse((await redis().get(redisKey)) ?? '{}').v === 'v2');
    // The run stays shared until its write-back landed, so no hit in between called the source again.
    expect(source).toHaveBeenCalledTimes(2);
  });

  it('reads an entry written before source durations were recorded, and never refreshes it early', async () => {
    const { clk, source, chain } = setup({ earlyRefresh: true, random: () => 1e-12 });
    await redis().set(redisKey, JSON.stringify({ v: 'old', s: clk.now(), t: 1000 }), 'PX', 60_000);
    clk.advance(999);
    expect(await chain.get('1')).toEqual({ value: 'old', source: 'cache', ageMs: 999 });
    expect(source).not.toHaveBeenCalled();
  });

  it('stale-while-revalidate: an expired entry is served at once while one refresh runs', async () => {
    const { clk, calls, source, chain } = setup({ staleWhileRevalidate: true });
    await redis().set(redisKey, JSON.stringify({ v: 'old', s: clk.now(), t: 1000, d: 50 }), 'PX', 60_000);
    clk.advance(5000);
    const answers = await Promise.all(Array.from({ length: 100 }, () => chain.get('1')));
    for (const a of answers)
      expect(a).toEqual({ value: 'old', source: 'stale', ageMs: 5000, revalidating: true });
    expect(source).toHaveBeenCalledTimes(1);
    calls[0]('new');
    await waitFor(async () => (await chain.get('1')).value === 'new');
    expect(await chain.get('1')).toMatchObject({ value: 'new', source: 'cache' });
    expect(source).toHaveBeenCalledTimes(1);
  });
});
