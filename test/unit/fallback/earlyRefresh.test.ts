import { Registry } from 'prom-client';
import { MemoryCache } from '../../../src/cache/MemoryCache';
import { ConfigError } from '../../../src/errors/ConfigError';
import { refreshDue } from '../../../src/fallback/earlyRefresh';
import { fallback } from '../../../src/fallback/fallback';
import type { FallbackOptions, FallbackResult } from '../../../src/fallback/FallbackOptions';
import { clock, type ManualClock } from '../../support/clock';
import { LEVEL, logSink } from '../../support/logSink';

const key = (id: string) => `item:${id}`;

/** A source whose every call the test settles by hand, taking `tookMs` of the manual clock. */
function handSource(clk: ManualClock, tookMs = 50) {
  const calls: Array<{ resolve: (v: string) => void; reject: (e: Error) => void }> = [];
  const fn = jest.fn(
    () =>
      new Promise<string>((resolve, reject) => {
        calls.push({
          resolve: (v) => {
            clk.advance(tookMs);
            resolve(v);
          },
          reject,
        });
      }),
  );
  return { fn, calls };
}

/** Lets pending promise callbacks run (no timers involved). */
const settle = () => new Promise((r) => setImmediate(r));

async function refreshCounts(registry: Registry): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric('statuskit_fallback_refreshes_total')!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.outcome), v.value]));
}

/**
 * `true` when `p` has settled once pending callbacks ran: with every hand source still pending, a
 * caller that waits for a source cannot have been answered.
 */
async function settledNow(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await settle();
  return done;
}

function chainWith(clk: ManualClock, extra: Partial<FallbackOptions<string, [string]>>) {
  const src = handSource(clk);
  const cache = new MemoryCache({ now: clk.now });
  const registry = new Registry();
  const chain = fallback<string, [string]>({
    name: 'r',
    key,
    cache,
    ttlMs: 1000,
    staleTtlMs: 5000,
    sources: [src.fn],
    now: clk.now,
    registry,
    ...extra,
  });
  return { chain, src, cache, registry };
}

/** Fills the cache through the chain: one call that waits for the source (50 ms of clock). */
async function warm(
  chain: { get(id: string): Promise<FallbackResult<string>> },
  src: ReturnType<typeof handSource>,
  value = 'v1',
) {
  const first = chain.get('1');
  await settle();
  src.calls[src.calls.length - 1].resolve(value);
  expect(await first).toEqual({ value, source: 'source', sourceIndex: 0 });
  await settle();
}

describe('refreshDue (XFetch)', () => {
  const entry = { value: 1, storedAt: 0, ttlMs: 1000, sourceMs: 50 };

  it('never refreshes far from expiry when random is near 1', () => {
    expect(refreshDue(entry, 100, 1, () => 0.999999)).toBe(false);
    expect(refreshDue(entry, 990, 1, () => 0.999999)).toBe(false);
  });

  it('refreshes when random is tiny, in proportion to the source duration', () => {
    // −50 · ln(1e-9) ≈ 1036 ms: due even right after the store.
    expect(refreshDue(entry, 0, 1, () => 1e-9)).toBe(true);
    // −50 · ln(0.5) ≈ 34.7 ms before expiry.
    expect(refreshDue(entry, 960, 1, () => 0.5)).toBe(false);
    expect(refreshDue(entry, 966, 1, () => 0.5)).toBe(true);
    expect(refreshDue({ ...entry, sourceMs: 500 }, 700, 1, () => 0.5)).toBe(true);
  });

  it('beta scales how early', () => {
    expect(refreshDue(entry, 940, 1, () => 0.5)).toBe(false);
    expect(refreshDue(entry, 940, 2, () => 0.5)).toBe(true);
  });

  it('never refreshes early an entry without a recorded source duration', () => {
    expect(refreshDue({ value: 1, storedAt: 0, ttlMs: 1000 }, 999, 1, () => 1e-300)).toBe(false);
  });
});

describe('fallback earlyRefresh', () => {
  it('keeps a hot key fresh: after the first call no caller waits, and the source runs about once per ttl', async () => {
    const clk = clock();
    const { chain, src, registry } = chainWith(clk, { earlyRefresh: true, random: Math.random });
    await warm(chain, src, 'v0');
    let version = 0;
    const answers: FallbackResult<string>[] = [];
    // 10 ttls of a hot key: 20 callers every 10 ms; each background refresh answers 50 ms later.
    let pendingSince: number | undefined;
    for (let t = 0; t < 10_000; t += 10) {
      clk.advance(10);
      const batch = Array.from({ length: 20 }, () => chain.get('1'));
      const all = Promise.all(batch);
      expect(await settledNow(all)).toBe(true); // nobody waits
      answers.push(...(await all));
      const pending = src.calls.length - 1 - version;
      if (pending > 0 && pendingSince === undefined) pendingSince = clk.now();
      if (pendingSince !== undefined && clk.now() - pendingSince >= 40) {
        version++;
        src.calls[version].resolve(`v${version}`); // takes 10 more ms of clock: a 50 ms source
        pendingSince = undefined;
        await settle();
      }
    }
    expect(answers.every((a) => a.source === 'cache')).toBe(true);
    expect(src.fn.mock.calls.length - 1).toBeGreaterThanOrEqual(9);
    expect(src.fn.mock.calls.length - 1).toBeLessThanOrEqual(20);
    expect(answers.at(-1)!.value).not.toBe('v0');
    expect((await refreshCounts(registry)).ok).toBe(version);
  });

  it('does not refresh far from expiry when random is near 1', async () => {
    const clk = clock();
    const { chain, src } = chainWith(clk, { earlyRefresh: true, random: () => 0.999999 });
    await warm(chain, src);
    clk.advance(900);
    expect(await chain.get('1')).toEqual({ value: 'v1', source: 'cache', ageMs: 900 });
    expect(src.fn).toHaveBeenCalledTimes(1);
  });

  it('starts exactly one background refresh under 100 concurrent hits, and no caller waits', async () => {
    const clk = clock();
    const { chain, src } = chainWith(clk, { earlyRefresh: true, random: () => 1e-12 });
    await warm(chain, src);
    clk.advance(100);
    const hits = Array.from({ length: 100 }, () => chain.get('1'));
    for (const h of hits) expect(await settledNow(h)).toBe(true);
    for (const h of await Promise.all(hits)) {
      expect(h).toEqual({ value: 'v1', source: 'cache', ageMs: 100, revalidating: true });
    }
    expect(src.fn).toHaveBeenCalledTimes(2);
    src.calls[1].resolve('v2');
    await settle();
    expect(await chain.get('1')).toMatchObject({ value: 'v2', source: 'cache', ageMs: 0 });
  });

  it('a failed background refresh keeps the cached value, is counted and logged, and rejects to nobody', async () => {
    const clk = clock();
    const sink = logSink('debug');
    const { chain, src, registry } = chainWith(clk, {
      earlyRefresh: { beta: 1 },
      random: () => 1e-12,
      logger: sink.logger,
    });
    await warm(chain, src);
    clk.advance(200);
    expect(await chain.get('1')).toMatchObject({ value: 'v1', source: 'cache', revalidating: true });
    src.calls[1].reject(new Error('db down'));
    await settle();
    expect(await chain.get('1')).toMatchObject({ value: 'v1', source: 'cache', ageMs: 200 });
    expect(await refreshCounts(registry)).toEqual({ ok: 0, error: 1 });
    expect(sink.lines.some((l) => l.level === LEVEL.debug && l.msg === 'background refresh failed')).toBe(
      true,
    );
    // The next hit may try again: the failed run is not kept.
    expect(src.fn).toHaveBeenCalledTimes(3);
  });

  it('a caller that misses while a background refresh runs joins it instead of calling the source', async () => {
    const clk = clock();
    const { chain, src } = chainWith(clk, { earlyRefresh: true, random: () => 1e-12, staleTtlMs: 0 });
    await warm(chain, src);
    clk.advance(990);
    await chain.get('1'); // starts the refresh
    clk.advance(20); // the entry expires before the refresh answers
    const late = chain.get('1');
    expect(await settledNow(late)).toBe(false);
    src.calls[1].resolve('v2');
    expect(await late).toEqual({ value: 'v2', source: 'source', sourceIndex: 0 });
    expect(src.fn).toHaveBeenCalledTimes(2);
  });

  it('records the source duration in the entry, and never refreshes early an entry stored without it', async () => {
    const clk = clock();
    const { chain, src, cache } = chainWith(clk, { earlyRefresh: true, random: () => 1e-12 });
    await warm(chain, src);
    expect(cache.peek('r:item:1')).toMatchObject({ value: 'v1', ttlMs: 1000, sourceMs: 50 });
    await cache.set('r:item:2', { value: 'old', storedAt: clk.now(), ttlMs: 1000 }, 6000);
    clk.advance(999);
    expect(await chain.get('2')).toEqual({ value: 'old', source: 'cache', ageMs: 999 });
    expect(src.fn).toHaveBeenCalledTimes(1);
  });

  it('invalidate stops a background refresh from writing its value back', async () => {
    const clk = clock();
    const { chain, src, cache } = chainWith(clk, { earlyRefresh: true, random: () => 1e-12 });
    await warm(chain, src);
    await chain.get('1');
    await chain.invalidate('1');
    src.calls[1].resolve('v2');
    await settle();
    expect(cache.peek('r:item:1')).toBeUndefined();
  });

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('bounds a background refresh by sourceTimeoutMs, then lets the next hit try again', async () => {
      const registry = new Registry();
      let calls = 0;
      const chain = fallback<string, [string]>({
        name: 'r',
        key,
        cache: new MemoryCache(),
        ttlMs: 1000,
        sourceTimeoutMs: 300,
        sources: [
          async () => {
            calls++;
            if (calls === 1) {
              await new Promise((r) => setTimeout(r, 50));
              return 'v1';
            }
            return new Promise<string>(() => undefined); // hangs
          },
        ],
        earlyRefresh: true,
        random: () => 1e-12,
        registry,
      });
      const first = chain.get('1');
      await jest.advanceTimersByTimeAsync(50);
      await first;
      expect(await chain.get('1')).toMatchObject({ source: 'cache', revalidating: true });
      await jest.advanceTimersByTimeAsync(299);
      expect(await refreshCounts(registry)).toEqual({ ok: 0, error: 0 });
      await jest.advanceTimersByTimeAsync(1);
      expect(await refreshCounts(registry)).toEqual({ ok: 0, error: 1 });
      expect(await chain.get('1')).toMatchObject({ value: 'v1', source: 'cache', revalidating: true });
      expect(calls).toBe(3);
      expect(jest.getTimerCount()).toBe(1); // the third call's timeout, unref'd
    });
  });
});

describe('fallback staleWhileRevalidate', () => {
  it('serves an expired entry within the stale window at once while one background refresh runs', async () => {
    const clk = clock();
    const { chain, src, registry } = chainWith(clk, { staleWhileRevalidate: true });
    await warm(chain, src);
    clk.advance(1500);
    const calls = Array.from({ length: 100 }, () => chain.get('1'));
    for (const c of calls) expect(await settledNow(c)).toBe(true);
    for (const c of await Promise.all(calls)) {
      expect(c).toEqual({ value: 'v1', source: 'stale', ageMs: 1500, revalidating: true });
    }
    expect(src.fn).toHaveBeenCalledTimes(2);
    src.calls[1].resolve('v2');
    await settle();
    expect(await chain.get('1')).toEqual({ value: 'v2', source: 'cache', ageMs: 0 });
    expect(await refreshCounts(registry)).toEqual({ ok: 1, error: 0 });
  });

  it('past the stale window, callers wait for the source as usual', async () => {
    const clk = clock();
    const { chain, src } = chainWith(clk, { staleWhileRevalidate: true });
    await warm(chain, src);
    clk.advance(6000);
    const call = chain.get('1');
    expect(await settledNow(call)).toBe(false);
    src.calls[1].resolve('v2');
    expect(await call).toEqual({ value: 'v2', source: 'source', sourceIndex: 0 });
  });

  it('off, an expired entry goes to the sources and is served stale only when they fail', async () => {
    const clk = clock();
    const { chain, src } = chainWith(clk, {});
    await warm(chain, src);
    clk.advance(1500);
    const call = chain.get('1');
    expect(await settledNow(call)).toBe(false);
    src.calls[1].reject(new Error('down'));
    expect(await call).toEqual({ value: 'v1', source: 'stale', ageMs: 1500 });
  });

  it('a failed revalidation keeps serving the stale value', async () => {
    const clk = clock();
    const { chain, src, registry } = chainWith(clk, { staleWhileRevalidate: true });
    await warm(chain, src);
    clk.advance(1500);
    await chain.get('1');
    src.calls[1].reject(new Error('down'));
    await settle();
    expect(await chain.get('1')).toMatchObject({ value: 'v1', source: 'stale', revalidating: true });
    expect(await refreshCounts(registry)).toEqual({ ok: 0, error: 1 });
  });
});

describe('refresh options that cannot work together', () => {
  const base = {
    name: 'r',
    key,
    cache: new MemoryCache(),
    ttlMs: 1000,
    sources: [() => 'v'],
    registry: false as const,
  };
  const bad = (opts: Record<string, unknown>) => () => fallback({ ...base, ...opts });

  it.each([
    [{ staleWhileRevalidate: true }, 'staleWhileRevalidate', '`staleTtlMs` is 0'],
    [{ staleWhileRevalidate: true, staleTtlMs: 0 }, 'staleWhileRevalidate', '`staleTtlMs` is 0'],
    [
      { staleWhileRevalidate: true, staleTtlMs: 1, ttlMs: Infinity },
      'staleWhileRevalidate',
      '`ttlMs` is Infinity',
    ],
    [{ staleWhileRevalidate: true, staleTtlMs: 1, cache: undefined }, 'staleWhileRevalidate', '`cache`'],
    [{ staleWhileRevalidate: 'yes' }, 'staleWhileRevalidate', 'a boolean'],
    [{ earlyRefresh: true, ttlMs: 0 }, 'earlyRefresh', '`ttlMs` is 0'],
    [{ earlyRefresh: true, ttlMs: Infinity }, 'earlyRefresh', '`ttlMs` is Infinity'],
    [{ earlyRefresh: true, cache: undefined }, 'earlyRefresh', '`cache`'],
    [{ earlyRefresh: 'yes' }, 'earlyRefresh', 'true, false or { beta }'],
    [{ earlyRefresh: { beta: 0 } }, 'earlyRefresh.beta', 'a finite number > 0'],
    [{ earlyRefresh: { beta: -1 } }, 'earlyRefresh.beta', 'a finite number > 0'],
    [{ earlyRefresh: { beta: Infinity } }, 'earlyRefresh.beta', 'a finite number > 0'],
    [{ earlyRefresh: { beta: NaN } }, 'earlyRefresh.beta', 'a finite number > 0'],
    [{ earlyRefresh: true, random: 0.5 }, 'random', 'a function'],
    [{ staleWhileRevalidate: true, staleTtlMs: -1 }, 'staleTtlMs', '≥ 0'],
  ])('%j throws a ConfigError naming %s', (opts, option, expected) => {
    let thrown: unknown;
    try {
      bad(opts)();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).option).toBe(option);
    expect((thrown as ConfigError).message).toContain(expected);
  });

  it('accepts both together, and beta alone', () => {
    expect(() =>
      bad({ earlyRefresh: { beta: 2 }, staleWhileRevalidate: true, staleTtlMs: 10 })(),
    ).not.toThrow();
    expect(() => bad({ earlyRefresh: {} })()).not.toThrow();
    expect(() => bad({ earlyRefresh: false, staleWhileRevalidate: false, ttlMs: 0 })()).not.toThrow();
  });
});
