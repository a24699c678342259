import type { CacheEntry } from '../cache/CacheTier';
import type { RedisCache } from '../cache/RedisCache';
import { FallbackExhaustedError } from '../errors/FallbackExhaustedError';
import { withTimeout } from '../timing/withTimeout';
import { BackgroundRefresh } from './BackgroundRefresh';
import { ChainHealth } from './ChainHealth';
import { refreshDue } from './earlyRefresh';
import { FleetSingleFlight } from './FleetSingleFlight';
import { fleetMetrics } from './FleetMetrics';
import {
  resolveFallbackOptions,
  type FallbackOptions,
  type FallbackResult,
  type ResolvedFallbackOptions,
} from './FallbackOptions';
import { SourceRuns, type SourceRun } from './SourceRuns';

/**
 * A fallback chain: fresh cache entry → sources in order → stale entry → stub →
 * {@link FallbackExhaustedError}. Build it with {@link fallback}.
 */
export class Fallback<T, A extends unknown[]> {
  /** The chain's name (metrics label, logs, errors). */
  readonly name: string;
  private readonly o: ResolvedFallbackOptions<T, A>;
  private readonly health: ChainHealth;
  /** One cache read (and what follows it) per key, shared by concurrent callers. */
  private readonly flights = new Map<string, Promise<FallbackResult<T>>>();
  /** One run of the sources per key, shared by the flights that need it and by background refreshes. */
  private readonly runs = new SourceRuns<FallbackResult<T>>();
  /** Set when `earlyRefresh` or `staleWhileRevalidate` is on. */
  private readonly refresher: BackgroundRefresh<T> | undefined;
  /** With `singleFlight: 'fleet'`: the Redis lease that makes one instance of the fleet call the sources. */
  private readonly fleet: FleetSingleFlight | undefined;
  private readonly retainMs: number;
  /**
   * `<name>:`, the start of every key this chain reads and writes: two components sharing a tier
   * (a fallback and a `cachedRoute` with the same key function) never read each other's entries.
   */
  private readonly namespace: string;

  constructor(opts: FallbackOptions<T, A>) {
    this.o = resolveFallbackOptions(opts);
    this.name = this.o.name;
    this.namespace = `${this.name}:`;
    this.retainMs = this.o.ttlMs + this.o.staleTtlMs;
    this.health = new ChainHealth(this.name, this.o.logger, this.o.registry);
    this.fleet = this.o.singleFlight === 'fleet' ? fleetOf(this.o) : undefined;
    const { beta, staleWhileRevalidate } = this.o.refresh;
    if (beta !== undefined || staleWhileRevalidate) {
      this.refresher = new BackgroundRefresh<T>(this.name, this.o.logger, this.o.registry, this.runs);
    }
  }

  /**
   * Answers for `args` from the first tier that can. Never rejects because the cache is down or slow;
   * rejects with {@link FallbackExhaustedError} (every cause attached) when nothing could answer, or
   * with whatever `key` threw. Concurrent calls for one key share one run of the chain.
   */
  get(...args: A): Promise<FallbackResult<T>> {
    let key: string;
    try {
      key = this.namespace + this.o.key(...args);
    } catch (err) {
      return Promise.reject(err);
    }
    const hit = this.peekFresh(key, args);
    if (hit !== undefined) return Promise.resolve(hit);
    let flight = this.flights.get(key);
    if (flight === undefined) flight = this.start(key, args);
    return flight.then(this.countAnswer, this.countError);
  }

  /**
   * Removes the cached entry for `args`, and keeps a run already in flight for that key from writing
   * its value back. Rejects when the cache tier fails (e.g. Redis down), so you know it did not happen.
   */
  invalidate(...args: A): Promise<void> {
    let key: string;
    try {
      key = this.namespace + this.o.key(...args);
    } catch (err) {
      return Promise.reject(err);
    }
    this.flights.delete(key);
    this.runs.cancel(key);
    return this.o.cache === undefined ? Promise.resolve() : this.o.cache.delete(key);
  }

  private readonly countAnswer = (r: FallbackResult<T>): FallbackResult<T> => {
    this.health.count[r.source].inc();
    return r;
  };

  private readonly countError = (err: unknown): never => {
    if (err instanceof FallbackExhaustedError) this.health.count.error.inc();
    throw err;
  };

  /** A fresh hit from an in-process tier, answered without a promise tick per tier call. */
  private peekFresh(key: string, args: A): FallbackResult<T> | undefined {
    const cache = this.o.cache;
    if (cache?.peek === undefined) return undefined;
    let entry: CacheEntry | undefined;
    try {
      entry = cache.peek(key);
    } catch {
      return undefined; // the flight reads the tier again and reports the failure
    }
    if (entry === undefined) return undefined;
    const now = this.o.now();
    if (!(now - entry.storedAt < entry.ttlMs)) return undefined;
    this.health.count.cache.inc();
    return this.fresh(key, args, entry, now);
  }

  /** A fresh hit; with `earlyRefresh`, it may start a background refresh of the key first. */
  private fresh(key: string, args: A, entry: CacheEntry, now: number): FallbackResult<T> {
    const ageMs = now - entry.storedAt;
    const { beta, random } = this.o.refresh;
    if (beta === undefined || !refreshDue(entry, now, beta, random)) {
      return { value: entry.value as T, source: 'cache', ageMs };
    }
    this.refreshInBackground(key, args, entry);
    return { value: entry.value as T, source: 'cache', ageMs, revalidating: true };
  }

  /** Runs the sources for `key` without anyone waiting, unless a run for it is in flight already. */
  private refreshInBackground(key: string, args: A, entry: CacheEntry): void {
    this.refresher?.refresh(key, (run) => this.acrossFleet(key, args, entry, run));
  }

  private start(key: string, args: A): Promise<FallbackResult<T>> {
    const flight = this.run(key, args);
    this.flights.set(key, flight);
    const forget = (): void => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    flight.then(forget, forget);
    return flight;
  }

  private async run(key: string, args: A): Promise<FallbackResult<T>> {
    const entry = await this.readCache(key);
    if (entry !== undefined) {
      const now = this.o.now();
      const ageMs = now - entry.storedAt;
      if (ageMs < entry.ttlMs) return this.fresh(key, args, entry, now);
      if (this.o.refresh.staleWhileRevalidate && ageMs < entry.ttlMs + this.o.staleTtlMs) {
        this.refreshInBackground(key, args, entry);
        return { value: entry.value as T, source: 'stale', ageMs, revalidating: true };
      }
    }
    return this.runs.join(key, (run) => this.acrossFleet(key, args, entry, run)).promise;
  }

  /** {@link callSources}, behind the fleet's lease when `singleFlight` is `'fleet'`. */
  private acrossFleet(
    key: string,
    args: A,
    entry: CacheEntry | undefined,
    run: SourceRun<FallbackResult<T>>,
  ): Promise<FallbackResult<T>> {
    const fleet = this.fleet;
    if (fleet === undefined) return this.callSources(key, args, entry, run);
    return fleet.run(
      key,
      () => this.readFresh(key),
      () => this.callSources(key, args, entry, run),
    );
  }

  /** The fresh cached answer for `key`, or `undefined` (a miss, a stale entry, a failing tier). */
  private async readFresh(key: string): Promise<FallbackResult<T> | undefined> {
    const entry = await this.readCache(key);
    if (entry === undefined) return undefined;
    const ageMs = this.o.now() - entry.storedAt;
    return ageMs < entry.ttlMs ? { value: entry.value as T, source: 'cache', ageMs } : undefined;
  }

  /** Each source in turn, then the stale entry, the stub or {@link FallbackExhaustedError}. */
  private async callSources(
    key: string,
    args: A,
    entry: CacheEntry | undefined,
    run: SourceRun<FallbackResult<T>>,
  ): Promise<FallbackResult<T>> {
    const causes: unknown[] = [];
    const { sources, sourceTimeoutMs, name } = this.o;
    const startedAt = this.o.now();
    for (let i = 0; i < sources.length; i++) {
      const source = sources[i];
      try {
        const value = await withTimeout<T>(
          (signal) => source(...args, { signal }),
          sourceTimeoutMs,
          `fallback "${name}" source ${i}`,
        );
        if (!run.cancelled) run.stored = this.writeBack(key, value, startedAt);
        this.health.answered('source', causes, i);
        return { value, source: 'source', sourceIndex: i };
      } catch (err) {
        causes.push(err);
      }
    }
    return this.lastResort(args, entry, causes);
  }

  private async lastResort(
    args: A,
    entry: CacheEntry | undefined,
    causes: unknown[],
  ): Promise<FallbackResult<T>> {
    if (entry !== undefined) {
      const ageMs = this.o.now() - entry.storedAt;
      if (ageMs < entry.ttlMs + this.o.staleTtlMs) {
        this.health.answered('stale', causes);
        return { value: entry.value as T, source: 'stale', ageMs };
      }
    }
    const stub = this.o.stub;
    if (stub !== undefined) {
      try {
        const value = await withTimeout<T>(
          () => stub(...args),
          this.o.sourceTimeoutMs,
          `fallback "${this.name}" stub`,
        );
        this.health.answered('stub', causes);
        return { value, source: 'stub' };
      } catch (err) {
        causes.push(err);
      }
    }
    this.health.answered('error', causes);
    throw new FallbackExhaustedError(this.name, causes);
  }

  /** The cached entry, or `undefined` on a miss — and when the tier throws, rejects or is slow. */
  private async readCache(key: string): Promise<CacheEntry | undefined> {
    const cache = this.o.cache;
    if (cache === undefined) return undefined;
    try {
      const entry = cache.peek === undefined ? await cache.get(key) : cache.peek(key);
      this.health.cacheAnswered();
      return entry;
    } catch (err) {
      this.health.cacheFailed(err);
      return undefined;
    }
  }

  /**
   * Fire and forget: the answer never waits for the cache, and a failed write is only logged. The
   * entry records how long the sources took since `startedAt`, which early refresh weighs. Returns
   * when the write settles (never rejects), so the run is kept until the entry has landed.
   */
  private writeBack(key: string, value: T, startedAt: number): Promise<void> | undefined {
    const cache = this.o.cache;
    if (cache === undefined || !(this.retainMs > 0)) return undefined;
    const storedAt = this.o.now();
    const entry: CacheEntry<T> = { value, storedAt, ttlMs: this.o.ttlMs, sourceMs: storedAt - startedAt };
    try {
      return cache.set(key, entry, this.retainMs).catch((err: unknown) => this.health.writeBackFailed(err));
    } catch (err) {
      this.health.writeBackFailed(err);
      return undefined;
    }
  }
}

/** The fleet single flight of a chain on a RedisCache: its lease outlasts the sources' worst case. */
function fleetOf<T, A extends unknown[]>(o: ResolvedFallbackOptions<T, A>): FleetSingleFlight {
  return new FleetSingleFlight(
    (o.cache as RedisCache).fleetLease(),
    o.sources.length * o.sourceTimeoutMs,
    fleetMetrics(o.registry, o.name),
  );
}

/**
 * Builds a fallback chain. Options are validated now ({@link ConfigError} naming the option).
 *
 * @example
 * const products = fallback({
 *   name: 'product',
 *   key: (id: string) => `product:${id}`,
 *   cache: new RedisCache(redis),
 *   ttlMs: 30_000,
 *   staleTtlMs: 10 * 60_000,
 *   sources: [(id, { signal }) => db.product(id, { signal }), (id, { signal }) => partner.product(id, { signal })],
 *   stub: (id) => ({ id, name: 'Unavailable', price: null }),
 * });
 * const { value, source } = await products.get('42'); // source: 'cache' | 'source' | 'stale' | 'stub'
 */
export function fallback<T, A extends unknown[]>(opts: FallbackOptions<T, A>): Fallback<T, A> {
  return new Fallback<T, A>(opts);
}
