import type { CacheEntry } from '../cache/CacheTier';
import type { RedisCache } from '../cache/RedisCache';
import { FallbackExhaustedError } from '../errors/FallbackExhaustedError';
import { withTimeout } from '../timing/withTimeout';
import { ChainHealth } from './ChainHealth';
import { FleetSingleFlight } from './FleetSingleFlight';
import {
  resolveFallbackOptions,
  type FallbackOptions,
  type FallbackResult,
  type ResolvedFallbackOptions,
} from './FallbackOptions';

/** One shared run of the chain for a key; `cancelled` (by `invalidate`) stops its write-back. */
interface Flight<T> {
  promise: Promise<FallbackResult<T>>;
  cancelled: boolean;
}

/**
 * A fallback chain: fresh cache entry → sources in order → stale entry → stub →
 * {@link FallbackExhaustedError}. Build it with {@link fallback}.
 */
export class Fallback<T, A extends unknown[]> {
  /** The chain's name (metrics label, logs, errors). */
  readonly name: string;
  private readonly o: ResolvedFallbackOptions<T, A>;
  private readonly health: ChainHealth;
  private readonly flights = new Map<string, Flight<T>>();
  private readonly retainMs: number;
  /**
   * `<name>:`, the start of every key this chain reads and writes: two components sharing a tier
   * (a fallback and a `cachedRoute` with the same key function) never read each other's entries.
   */
  private readonly namespace: string;
  /** With `singleFlight: 'fleet'`: the Redis lease that makes one instance of the fleet call the sources. */
  private readonly fleet: FleetSingleFlight | undefined;

  constructor(opts: FallbackOptions<T, A>) {
    this.o = resolveFallbackOptions(opts);
    this.name = this.o.name;
    this.namespace = `${this.name}:`;
    this.retainMs = this.o.ttlMs + this.o.staleTtlMs;
    this.health = new ChainHealth(this.name, this.o.logger, this.o.registry);
    this.fleet = this.o.singleFlight === 'fleet' ? fleetOf(this.o) : undefined;
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
    const hit = this.peekFresh(key);
    if (hit !== undefined) return Promise.resolve(hit);
    let flight = this.flights.get(key);
    if (flight === undefined) flight = this.start(key, args);
    return flight.promise.then(this.countAnswer, this.countError);
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
    const flight = this.flights.get(key);
    if (flight !== undefined) {
      flight.cancelled = true;
      this.flights.delete(key);
    }
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
  private peekFresh(key: string): FallbackResult<T> | undefined {
    const cache = this.o.cache;
    if (cache?.peek === undefined) return undefined;
    let entry: CacheEntry | undefined;
    try {
      entry = cache.peek(key);
    } catch {
      return undefined; // the flight reads the tier again and reports the failure
    }
    if (entry === undefined) return undefined;
    const ageMs = this.o.now() - entry.storedAt;
    if (!(ageMs < entry.ttlMs)) return undefined;
    this.health.count.cache.inc();
    return { value: entry.value as T, source: 'cache', ageMs };
  }

  private start(key: string, args: A): Flight<T> {
    const flight: Flight<T> = {
      promise: undefined as unknown as Promise<FallbackResult<T>>,
      cancelled: false,
    };
    flight.promise = this.run(key, args, flight);
    this.flights.set(key, flight);
    const forget = (): void => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    flight.promise.then(forget, forget);
    return flight;
  }

  private async run(key: string, args: A, flight: Flight<T>): Promise<FallbackResult<T>> {
    const entry = await this.readCache(key);
    if (entry !== undefined) {
      const ageMs = this.o.now() - entry.storedAt;
      if (ageMs < entry.ttlMs) return { value: entry.value as T, source: 'cache', ageMs };
    }
    if (this.fleet === undefined) return this.fromSources(key, args, flight, entry);
    return this.fleet.run(
      key,
      () => this.readFresh(key),
      () => this.fromSources(key, args, flight, entry),
    );
  }

  /** The fresh cached answer for `key`, or `undefined` (a miss, a stale entry, a failing tier). */
  private async readFresh(key: string): Promise<FallbackResult<T> | undefined> {
    const entry = await this.readCache(key);
    if (entry === undefined) return undefined;
    const ageMs = this.o.now() - entry.storedAt;
    return ageMs < entry.ttlMs ? { value: entry.value as T, source: 'cache', ageMs } : undefined;
  }

  private async fromSources(
    key: string,
    args: A,
    flight: Flight<T>,
    entry: CacheEntry | undefined,
  ): Promise<FallbackResult<T>> {
    const causes: unknown[] = [];
    const { sources, sourceTimeoutMs, name } = this.o;
    for (let i = 0; i < sources.length; i++) {
      const source = sources[i];
      try {
        const value = await withTimeout<T>(
          (signal) => source(...args, { signal }),
          sourceTimeoutMs,
          `fallback "${name}" source ${i}`,
        );
        if (!flight.cancelled) this.writeBack(key, value);
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

  /** Fire and forget: the answer never waits for the cache, and a failed write is only logged. */
  private writeBack(key: string, value: T): void {
    const cache = this.o.cache;
    if (cache === undefined || !(this.retainMs > 0)) return;
    const entry: CacheEntry<T> = { value, storedAt: this.o.now(), ttlMs: this.o.ttlMs };
    try {
      cache.set(key, entry, this.retainMs).catch((err: unknown) => this.health.writeBackFailed(err));
    } catch (err) {
      this.health.writeBackFailed(err);
    }
  }
}

/** The fleet single flight of a chain on a RedisCache: its lease outlasts the sources' worst case. */
function fleetOf<T, A extends unknown[]>(o: ResolvedFallbackOptions<T, A>): FleetSingleFlight {
  return new FleetSingleFlight((o.cache as RedisCache).fleetLease(), o.sources.length * o.sourceTimeoutMs);
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
