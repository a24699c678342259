import { Registry } from 'prom-client';
import type { CacheTier } from '../../../src/cache/CacheTier';
import { MemoryCache } from '../../../src/cache/MemoryCache';
import { ConfigError } from '../../../src/errors/ConfigError';
import { FallbackExhaustedError } from '../../../src/errors/FallbackExhaustedError';
import { TimeoutError } from '../../../src/errors/TimeoutError';
import { fallback } from '../../../src/fallback/fallback';
import type { FallbackResult, SourceContext } from '../../../src/fallback/FallbackOptions';
import { LEVEL, logSink } from '../../support/logSink';
import { clock } from '../../support/clock';

const key = (id: string) => `item:${id}`;
const failing = (message: string) => () => Promise.reject(new Error(message));

async function counts(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric('statuskit_fallback_total')!.get();
  const out: Record<string, number> = {};
  for (const v of metric.values) if (v.labels.name === name) out[String(v.labels.source)] = v.value;
  return out;
}

describe('fallback chain over an in-memory cache', () => {
  it('answers from the first source, then from the cache', async () => {
    const db = jest.fn(async (id: string) => ({ id }));
    const chain = fallback({
      name: 't',
      key,
      cache: new MemoryCache(),
      ttlMs: 1000,
      sources: [db],
      registry: false,
    });
    expect(await chain.get('1')).toEqual({ value: { id: '1' }, source: 'source', sourceIndex: 0 });
    const second = await chain.get('1');
    expect(second).toMatchObject({ value: { id: '1' }, source: 'cache' });
    expect(second.ageMs).toBeGreaterThanOrEqual(0);
    expect(db).toHaveBeenCalledTimes(1);
  });

  it('passes the arguments and an abort signal to each source', async () => {
    const seen: unknown[][] = [];
    const chain = fallback({
      name: 't',
      key: (a: string, b: number) => `${a}:${b}`,
      ttlMs: 1000,
      sources: [
        (a, b, ctx) => {
          seen.push([a, b, ctx.signal instanceof AbortSignal]);
          return a.repeat(b);
        },
      ],
      registry: false,
    });
    expect((await chain.get('x', 3)).value).toBe('xxx');
    expect(seen).toEqual([['x', 3, true]]);
  });

  it('tries the second source when the first fails', async () => {
    const chain = fallback({
      name: 't',
      key,
      ttlMs: 1000,
      sources: [failing('db down'), (id: string) => `partner:${id}`],
      registry: false,
    });
    expect(await chain.get('1')).toEqual({ value: 'partner:1', source: 'source', sourceIndex: 1 });
  });

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('gives up on a source after sourceTimeoutMs, aborts its signal and tries the next', async () => {
      let signal: AbortSignal | undefined;
      const chain = fallback({
        name: 't',
        key,
        ttlMs: 1000,
        sourceTimeoutMs: 500,
        sources: [
          (_id: string, ctx: SourceContext) => ((signal = ctx.signal), new Promise<string>(() => undefined)),
          () => 'second',
        ],
        registry: false,
      });
      let result: FallbackResult<string> | undefined;
      void chain.get('1').then((r) => (result = r));
      await jest.advanceTimersByTimeAsync(499);
      expect(result).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      expect(result).toEqual({ value: 'second', source: 'source', sourceIndex: 1 });
      expect(signal?.aborted).toBe(true);
      expect(signal?.reason).toBeInstanceOf(TimeoutError);
    });

    it('reads the clock through Date.now by default, so fake timers age entries', async () => {
      const chain = fallback({
        name: 't',
        key,
        cache: new MemoryCache(),
        ttlMs: 1000,
        staleTtlMs: 1000,
        sources: [jest.fn().mockResolvedValueOnce('v').mockRejectedValue(new Error('down'))],
        registry: false,
      });
      await chain.get('1');
      await jest.advanceTimersByTimeAsync(1500);
      expect(await chain.get('1')).toEqual({ value: 'v', source: 'stale', ageMs: 1500 });
    });
  });

  it('serves a stale entry while it is younger than ttlMs + staleTtlMs, then the stub', async () => {
    const c = clock(1_000_000);
    const db = jest.fn().mockResolvedValueOnce('fresh').mockRejectedValue(new Error('db down'));
    const chain = fallback({
      name: 't',
      key,
      cache: new MemoryCache({ now: c.now }),
      ttlMs: 1000,
      staleTtlMs: 4000,
      sources: [db],
      stub: (id: string) => `stub:${id}`,
      now: c.now,
      registry: false,
    });
    expect((await chain.get('1')).source).toBe('source');
    c.advance(999);
    expect(await chain.get('1')).toEqual({ value: 'fresh', source: 'cache', ageMs: 999 });
    c.advance(1);
    expect(await chain.get('1')).toEqual({ value: 'fresh', source: 'stale', ageMs: 1000 });
    c.advance(3999);
    expect(await chain.get('1')).toEqual({ value: 'fresh', source: 'stale', ageMs: 4999 });
    c.advance(1);
    expect(await chain.get('1')).toEqual({ value: 'stub:1', source: 'stub' });
  });

  it('throws FallbackExhaustedError carrying every cause when nothing can answer', async () => {
    const chain = fallback({
      name: 'orders',
      key,
      ttlMs: 1000,
      sources: [failing('db down'), failing('partner down')],
      stub: () => {
        throw new Error('stub broken');
      },
      registry: false,
    });
    const err = (await chain.get('1').catch((e: unknown) => e)) as FallbackExhaustedError;
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect(err.fallback).toBe('orders');
    expect(err.causes.map((c) => (c as Error).message)).toEqual(['db down', 'partner down', 'stub broken']);
  });

  it('rejects with what key() threw, without calling a source', async () => {
    const source = jest.fn();
    const chain = fallback({
      name: 't',
      key: (): string => {
        throw new Error('bad key');
      },
      ttlMs: 1,
      sources: [source],
      registry: false,
    });
    await expect(chain.get()).rejects.toThrow('bad key');
    expect(source).not.toHaveBeenCalled();
  });

  it('shares one source call among 100 concurrent calls for one key', async () => {
    let calls = 0;
    const chain = fallback({
      name: 't',
      key,
      cache: new MemoryCache(),
      ttlMs: 1000,
      sources: [async (id: string) => (calls++, await new Promise((r) => setTimeout(r, 20)), `v${id}`)],
      registry: false,
    });
    const results = await Promise.all(Array.from({ length: 100 }, () => chain.get('1')));
    expect(calls).toBe(1);
    expect(new Set(results.map((r) => r.value))).toEqual(new Set(['v1']));
    await Promise.all([chain.get('2'), chain.get('3')]);
    expect(calls).toBe(3);
  });

  it('answers without waiting for the write-back to the cache', async () => {
    const stuck: CacheTier = {
      get: () => Promise.resolve(undefined),
      set: () => new Promise<void>(() => undefined),
      delete: () => Promise.resolve(),
    };
    const chain = fallback({
      name: 't',
      key,
      cache: stuck,
      ttlMs: 1000,
      sources: [() => 'v'],
      registry: false,
    });
    expect((await chain.get('1')).value).toBe('v');
  });

  it('treats a cache that throws or rejects as a miss', async () => {
    const broken: CacheTier = {
      get: () => Promise.reject(new Error('cache down')),
      set: () => Promise.reject(new Error('cache down')),
      delete: () => Promise.resolve(),
      peek: () => {
        throw new Error('cache down');
      },
    };
    const rejecting = { ...broken, peek: undefined };
    for (const cache of [broken, rejecting]) {
      const chain = fallback({ name: 't', key, cache, ttlMs: 1000, sources: [() => 'v'], registry: false });
      expect(await chain.get('1')).toEqual({ value: 'v', source: 'source', sourceIndex: 0 });
    }
  });

  it('invalidate() removes the entry so the next call goes to the source', async () => {
    const db = jest.fn(async () => 'v');
    const cache = new MemoryCache();
    const chain = fallback({ name: 't', key, cache, ttlMs: 60_000, sources: [db], registry: false });
    await chain.get('1');
    expect(cache.peek('t:item:1')?.value).toBe('v'); // under the chain's name
    await chain.invalidate('1');
    expect(cache.peek('t:item:1')).toBeUndefined();
    expect((await chain.get('1')).source).toBe('source');
    expect(db).toHaveBeenCalledTimes(2);
  });

  it('invalidate() during a source call keeps that call from caching its old value', async () => {
    let release!: (v: string) => void;
    const cache = new MemoryCache();
    const chain = fallback({
      name: 't',
      key,
      cache,
      ttlMs: 60_000,
      sources: [() => new Promise<string>((r) => (release = r))],
      registry: false,
    });
    const pending = chain.get('1');
    await new Promise((r) => setImmediate(r));
    await chain.invalidate('1');
    release('old');
    expect((await pending).value).toBe('old');
    expect(cache.peek('t:item:1')).toBeUndefined();
  });

  it('counts answers by tier in statuskit_fallback_total', async () => {
    const registry = new Registry();
    const c = clock(1_000_000);
    const db = jest.fn().mockResolvedValueOnce('v').mockRejectedValue(new Error('down'));
    const chain = fallback({
      name: 'metrics',
      key,
      cache: new MemoryCache({ now: c.now }),
      ttlMs: 10,
      staleTtlMs: 10,
      sources: [db],
      now: c.now,
      registry,
    });
    await chain.get('1'); // source
    await chain.get('1'); // cache
    c.advance(10);
    await chain.get('1'); // stale
    c.advance(10);
    await chain.get('1').catch(() => undefined); // error
    expect(await counts(registry, 'metrics')).toEqual({ cache: 1, source: 1, stale: 1, stub: 0, error: 1 });
  });

  it('shows every series from the start, and the totals of chains sharing a name, in a scrape', async () => {
    const registry = new Registry();
    const make = () =>
      fallback({
        name: 'shared',
        key,
        cache: new MemoryCache(),
        ttlMs: 1000,
        sources: [() => 'v'],
        registry,
      });
    const a = make();
    const b = make();
    expect(await registry.metrics()).toContain('statuskit_fallback_total{name="shared",source="stub"} 0');
    await a.get('1');
    await a.get('1');
    await b.get('1');
    const text = await registry.metrics();
    expect(text).toContain('statuskit_fallback_total{name="shared",source="source"} 2');
    expect(text).toContain('statuskit_fallback_total{name="shared",source="cache"} 1');
    await b.get('1');
    expect(await registry.metrics()).toContain('statuskit_fallback_total{name="shared",source="cache"} 2');
  });

  it('logs one warning when it starts degrading and one info line when it recovers', async () => {
    const { logger, lines } = logSink();
    let up = true;
    const chain = fallback({
      name: 'catalog',
      key,
      ttlMs: 1000,
      sources: [() => (up ? 'db' : Promise.reject(new Error('db password=hunter2 down'))), () => 'partner'],
      logger,
      registry: false,
    });
    await chain.get('1');
    up = false;
    for (let i = 0; i < 5; i++) await chain.get(String(i));
    up = true;
    for (let i = 0; i < 5; i++) await chain.get(String(i));
    const relevant = lines.filter((l) => l.level >= LEVEL.info);
    expect(relevant.map((l) => [l.level, l.msg])).toEqual([
      [LEVEL.warn, 'fallback "catalog" degraded: first source failed, answering from source 1'],
      [LEVEL.info, 'fallback "catalog" recovered: the first source answers'],
    ]);
    expect(relevant[0]).toMatchObject({
      fallback: 'catalog',
      component: 'fallback',
      err: { message: 'db password=*** down' },
    });
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('infers the value and argument types', async () => {
    const chain = fallback({
      name: 't',
      key: (id: string, n: number) => `${id}${n}`,
      ttlMs: 1,
      sources: [async (id, n, { signal }) => ({ id, n, aborted: signal.aborted })],
      registry: false,
    });
    const r: FallbackResult<{ id: string; n: number; aborted: boolean }> = await chain.get('a', 1);
    expect(r.value).toEqual({ id: 'a', n: 1, aborted: false });
    // @ts-expect-error wrong argument types are a compile error
    await chain.get(1, 'a').catch(() => undefined);
  });

  describe('validates every option at construction', () => {
    const base = { name: 'n', key, ttlMs: 1, sources: [() => 1] };
    it.each([
      [{ name: '' }, 'name'],
      [{ key: 'k' }, 'key'],
      [{ ttlMs: -1 }, 'ttlMs'],
      [{ ttlMs: undefined }, 'ttlMs'],
      [{ staleTtlMs: NaN }, 'staleTtlMs'],
      [{ sources: [] }, 'sources'],
      [{ sources: [() => 1, 'x'] }, 'sources[1]'],
      [{ sourceTimeoutMs: 0 }, 'sourceTimeoutMs'],
      [{ stub: {} }, 'stub'],
      [{ cache: {} }, 'cache'],
      [{ logger: {} }, 'logger'],
      [{ registry: {} }, 'registry'],
      [{ now: 1 }, 'now'],
    ])('%p is refused with a ConfigError naming `%s`', (bad, option) => {
      let thrown: unknown;
      try {
        fallback({ ...base, ...bad } as never);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).option).toBe(option);
    });

    it('does not modify the options object it was given', () => {
      const opts = { ...base, sources: [() => 1] };
      const snapshot = { ...opts, sources: [...opts.sources] };
      fallback({ ...opts, registry: false });
      expect(opts).toEqual(snapshot);
    });
  });
});
