import type { CacheEntry } from '../cache/CacheTier';
import { ConfigError } from '../errors/ConfigError';
import { assertBoolean, assertFunction } from '../validation/assert';

/** The object form of the `earlyRefresh` option. */
export interface EarlyRefreshOptions {
  /**
   * How eagerly a hit refreshes ahead of expiry: above 1 earlier (fewer callers ever reach an
   * expired entry), below 1 later (fewer refreshes). A finite number > 0.
   * @default 1
   */
  beta?: number;
}

/**
 * Refreshing a cached value before or after it expires, without a caller waiting for the source.
 * Shared by `fallback` and `cachedRoute`.
 */
export interface RefreshOptions {
  /**
   * Probabilistic early refresh (XFetch): a fresh hit starts one background refresh with a
   * probability that rises as expiry nears and with how long the source took last time; the caller
   * gets the cached value at once. `true` is `{ beta: 1 }`. Needs a cache and a finite `ttlMs` > 0.
   * @default false
   */
  earlyRefresh?: boolean | EarlyRefreshOptions;
  /**
   * Stale-while-revalidate: an entry past `ttlMs` but within `staleTtlMs` is served at once while
   * one background refresh runs. Off: such an entry is served only when every source fails. Needs
   * a cache, a finite `ttlMs` and `staleTtlMs` > 0.
   * @default false
   */
  staleWhileRevalidate?: boolean;
  /**
   * Uniform random in [0, 1) drawn by each early-refresh decision; inject one to test it.
   * @default Math.random
   */
  random?: () => number;
}

/** Defaults of {@link RefreshOptions}. */
export const REFRESH_DEFAULTS = {
  earlyRefresh: false,
  staleWhileRevalidate: false,
  beta: 1,
  random: Math.random,
} as const;

/** {@link RefreshOptions} validated: `beta` is `undefined` when early refresh is off. */
export interface RefreshPolicy {
  readonly beta: number | undefined;
  readonly staleWhileRevalidate: boolean;
  readonly random: () => number;
}

/** What the refresh options are checked against. */
export interface RefreshContext {
  ttlMs: number;
  staleTtlMs: number;
  hasCache: boolean;
}

/**
 * Validates the refresh options against the rest (ConfigError naming the option, and the option it
 * cannot work with): there must be a cache, a finite `ttlMs` (> 0 for early refresh) and, for
 * stale-while-revalidate, a stale window.
 */
export function resolveRefreshPolicy(o: RefreshOptions, ctx: RefreshContext): RefreshPolicy {
  const beta = resolveBeta(o.earlyRefresh);
  const swr =
    o.staleWhileRevalidate === undefined
      ? REFRESH_DEFAULTS.staleWhileRevalidate
      : assertBoolean('staleWhileRevalidate', o.staleWhileRevalidate);
  const random =
    o.random === undefined ? REFRESH_DEFAULTS.random : assertFunction<() => number>('random', o.random);
  if (beta !== undefined) {
    const why = conflict(ctx, false);
    if (why !== undefined) throw new ConfigError('earlyRefresh', o.earlyRefresh, `false ${why}`);
  }
  if (swr) {
    const why = conflict(ctx, true);
    if (why !== undefined) throw new ConfigError('staleWhileRevalidate', true, `false ${why}`);
  }
  return { beta, staleWhileRevalidate: swr, random };
}

function resolveBeta(value: unknown): number | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return REFRESH_DEFAULTS.beta;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError('earlyRefresh', value, 'true, false or { beta }');
  }
  const beta = (value as EarlyRefreshOptions).beta;
  if (beta === undefined) return REFRESH_DEFAULTS.beta;
  if (typeof beta !== 'number' || !Number.isFinite(beta) || !(beta > 0)) {
    throw new ConfigError('earlyRefresh.beta', beta, 'a finite number > 0');
  }
  return beta;
}

/** Why the option cannot work with the others, or `undefined` when it can. */
function conflict(ctx: RefreshContext, swr: boolean): string | undefined {
  if (!ctx.hasCache) return 'without a `cache` (there is nothing to refresh)';
  if (ctx.ttlMs === Infinity) return 'when `ttlMs` is Infinity (nothing ever expires)';
  if (!swr && ctx.ttlMs === 0) return 'when `ttlMs` is 0 (no entry is ever fresh)';
  if (swr && !(ctx.staleTtlMs > 0)) return 'when `staleTtlMs` is 0 (there is no stale window to serve)';
  return undefined;
}

/**
 * The XFetch decision (Vattani, Chierichetti and Lowenstein, "Optimal Probabilistic Cache Stampede
 * Prevention", VLDB 2015): refresh a fresh entry now when `now − sourceMs · beta · ln(random())`
 * reaches its expiry. `−ln(random())` is exponentially distributed, so the chance grows smoothly as
 * expiry nears, and a slow source (large `sourceMs`) starts earlier, in proportion to how long the
 * refresh will take. An entry without `sourceMs` (stored before it was recorded, or by a tier that
 * drops it) is never refreshed early: it expires and is fetched as usual, which records it.
 */
export function refreshDue(entry: CacheEntry, now: number, beta: number, random: () => number): boolean {
  const delta = entry.sourceMs;
  if (delta === undefined || !(delta > 0)) return false;
  const left = entry.storedAt + entry.ttlMs - now;
  return -delta * beta * Math.log(random()) >= left;
}
