import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { assertBreaker } from '../breaker/assertBreaker';
import type { CircuitBreaker } from '../breaker/CircuitBreaker';
import { guardedSource } from '../breaker/guardedSource';
import { isCacheTier, type CacheTier } from '../cache/CacheTier';
import { ConfigError } from '../errors/ConfigError';
import { resolveLogger } from '../logging/resolveLogger';
import { resolveRegistry } from '../metrics/registry';
import { assertFleetWorks } from './FleetSingleFlight';
import { resolveRefreshPolicy, type RefreshOptions, type RefreshPolicy } from './earlyRefresh';
import {
  assertFunction,
  assertNonEmptyString,
  assertNumber,
  assertOneOf,
  assertOptions,
  optionalNumber,
} from '../validation/assert';

/** What every source receives after the call's arguments. */
export interface SourceContext {
  /** Aborted when the source exceeds `sourceTimeoutMs`; pass it to your I/O. */
  signal: AbortSignal;
}

/** One source of a fallback chain: the call's arguments, then a {@link SourceContext}. */
export type FallbackSource<T, A extends unknown[]> = (...args: [...A, SourceContext]) => T | PromiseLike<T>;

/**
 * A source behind a circuit breaker: while the breaker is open the source is skipped at once (it
 * rejects with `BrokenCircuitError`, which joins the causes) and the chain moves on to the next tier.
 */
export interface BreakerSource<T, A extends unknown[]> {
  /** The source itself. */
  fn: FallbackSource<T, A>;
  /** The breaker its calls go through; its timeouts (`sourceTimeoutMs`) count as failures. */
  breaker: CircuitBreaker;
}

/** Which tier answered a {@link Fallback.get} call. */
export type FallbackTier = 'cache' | 'source' | 'stale' | 'stub';

/** The answer of {@link Fallback.get}. */
export interface FallbackResult<T> {
  /** The value served. */
  value: T;
  /** The tier that served it. */
  source: FallbackTier;
  /** Index in `sources` of the source that answered (`source: 'source'` only). */
  sourceIndex?: number;
  /** Age of the cached entry served, in milliseconds (`source: 'cache' | 'stale'` only). */
  ageMs?: number;
  /**
   * `true` when a background refresh of this key runs as this answer is served (`earlyRefresh` found
   * the entry due, or `staleWhileRevalidate` served it stale): a fresher value is on its way.
   */
  revalidating?: true;
}

/**
 * Options of {@link fallback}. `earlyRefresh`, `staleWhileRevalidate` and `random`
 * ({@link RefreshOptions}) refresh entries in the background so that callers do not wait.
 */
export interface FallbackOptions<T, A extends unknown[]> extends RefreshOptions {
  /** Names the chain in metrics (`statuskit_fallback_total{name}`), logs and errors. */
  name: string;
  /**
   * The cache key of a call, from its arguments; keep it cheap, it runs on every call. The entry
   * lives under `<name>:<key>` in the tier, so chains and routes sharing a tier never collide.
   */
  key: (...args: A) => string;
  /** Cache tier read first and written back to; none: every call goes to the sources. */
  cache?: CacheTier;
  /** How long a cached value is fresh, in milliseconds (`0`: cache only as a stale backup). */
  ttlMs: number;
  /**
   * How long after `ttlMs` a cached value may still be served: when every source fails, and with
   * `staleWhileRevalidate` while a background refresh runs.
   * @default 0
   */
  staleTtlMs?: number;
  /**
   * Tried in order until one answers; each gets the call's arguments and `{ signal }`. A source may
   * be `{ fn, breaker }` ({@link BreakerSource}): skipped at once while its breaker is open.
   */
  sources: ReadonlyArray<FallbackSource<T, A> | BreakerSource<T, A>>;
  /**
   * Bound on each source (and on the stub), in milliseconds; its signal aborts when exceeded.
   * @default 2000
   */
  sourceTimeoutMs?: number;
  /**
   * Who shares one call of the sources for a key that is not fresh. `'process'`: the concurrent
   * calls of this process. `'fleet'` (needs a {@link RedisCache}): every instance sharing the Redis —
   * one holds a Redis lease on the key (`sources.length × sourceTimeoutMs` plus two Redis bounds,
   * so a holder that died blocks the key no longer) and calls the sources; the others wait for the
   * entry it writes — or take the lease over when it failed or died — for at most two leases, then
   * call the sources themselves. Redis down or slow: `'process'` again, never a hang.
   * @default 'process'
   */
  singleFlight?: SingleFlight;
  /** Last resort when no source answers and no stale entry is left. */
  stub?: (...args: A) => T | PromiseLike<T>;
  /** pino logger; one line when the chain starts degrading, one when it recovers. @default silent */
  logger?: Logger;
  /** Registry for `statuskit_fallback_total`; `false`: no metrics. @default prom-client's global registry */
  registry?: Registry | false;
  /**
   * The clock, in epoch milliseconds (inject one to test ages).
   * @default () => Date.now() (read at each call, so jest's fake timers move it)
   */
  now?: () => number;
}

/** Values of {@link FallbackOptions.singleFlight}. */
export type SingleFlight = 'process' | 'fleet';

/** Every {@link SingleFlight}, for validation. */
export const SINGLE_FLIGHTS = ['process', 'fleet'] as const;

/** Defaults of {@link FallbackOptions}. */
export const FALLBACK_DEFAULTS = {
  staleTtlMs: 0,
  sourceTimeoutMs: 2000,
  singleFlight: 'process',
  now: (): number => Date.now(),
} as const;

/** {@link FallbackOptions} validated, copied and with every default applied. */
export interface ResolvedFallbackOptions<T, A extends unknown[]> {
  name: string;
  key: (...args: A) => string;
  cache: CacheTier | undefined;
  ttlMs: number;
  staleTtlMs: number;
  sources: ReadonlyArray<FallbackSource<T, A>>;
  sourceTimeoutMs: number;
  singleFlight: SingleFlight;
  stub: ((...args: A) => T | PromiseLike<T>) | undefined;
  logger: Logger;
  registry: Registry | undefined;
  now: () => number;
  refresh: RefreshPolicy;
}

/** Validates `opts` (ConfigError naming the option) and resolves every default, without touching `opts`. */
export function resolveFallbackOptions<T, A extends unknown[]>(
  opts: FallbackOptions<T, A>,
): ResolvedFallbackOptions<T, A> {
  const o = assertOptions<FallbackOptions<T, A>>('fallback options', opts);
  if (o.cache !== undefined && !isCacheTier(o.cache)) {
    throw new ConfigError('cache', o.cache, 'a CacheTier (an object with get, set and delete)');
  }
  const ttlMs = assertNumber('ttlMs', o.ttlMs, { min: 0, allowInfinity: true });
  const staleTtlMs = optionalNumber('staleTtlMs', o.staleTtlMs, FALLBACK_DEFAULTS.staleTtlMs, {
    min: 0,
    allowInfinity: true,
  });
  const resolved: ResolvedFallbackOptions<T, A> = {
    name: assertNonEmptyString('name', o.name),
    key: assertFunction<(...args: A) => string>('key', o.key),
    cache: o.cache,
    ttlMs,
    staleTtlMs,
    sources: resolveSources<T, A>(o.sources),
    sourceTimeoutMs: optionalNumber('sourceTimeoutMs', o.sourceTimeoutMs, FALLBACK_DEFAULTS.sourceTimeoutMs, {
      min: 1,
      allowInfinity: true,
    }),
    singleFlight:
      o.singleFlight === undefined
        ? FALLBACK_DEFAULTS.singleFlight
        : assertOneOf('singleFlight', o.singleFlight, SINGLE_FLIGHTS),
    stub: o.stub === undefined ? undefined : assertFunction<(...args: A) => T>('stub', o.stub),
    logger: resolveLogger(o.logger, 'fallback'),
    registry: resolveRegistry(o.registry),
    now: o.now === undefined ? FALLBACK_DEFAULTS.now : assertFunction<() => number>('now', o.now),
    refresh: resolveRefreshPolicy(o, { ttlMs, staleTtlMs, hasCache: o.cache !== undefined }),
  };
  if (resolved.singleFlight === 'fleet') {
    assertFleetWorks(resolved.cache, resolved.ttlMs, 'sourceTimeoutMs', resolved.sourceTimeoutMs);
  }
  return resolved;
}

function missingBreaker(i: number): never {
  throw new ConfigError(`sources[${i}].breaker`, undefined, 'a CircuitBreaker');
}

function resolveSources<T, A extends unknown[]>(sources: unknown): ReadonlyArray<FallbackSource<T, A>> {
  if (!Array.isArray(sources) || sources.length === 0) {
    throw new ConfigError('sources', sources, 'a non-empty array of functions or { fn, breaker }');
  }
  return Object.freeze(
    sources.map((s: unknown, i) => {
      if (typeof s !== 'object' || s === null)
        return assertFunction<FallbackSource<T, A>>(`sources[${i}]`, s);
      const { fn, breaker } = s as Partial<BreakerSource<T, A>>;
      return guardedSource(
        assertFunction<FallbackSource<T, A>>(`sources[${i}].fn`, fn),
        assertBreaker(`sources[${i}].breaker`, breaker) ?? missingBreaker(i),
      );
    }),
  );
}
