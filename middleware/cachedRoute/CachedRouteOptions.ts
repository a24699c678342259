import type { Request } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { isCacheTier, type CacheTier } from '../../src/cache/CacheTier';
import { ConfigError } from '../../src/errors/ConfigError';
import { resolveLogger } from '../../src/logging/resolveLogger';
import {
  resolveRefreshPolicy,
  type RefreshOptions,
  type RefreshPolicy,
} from '../../src/fallback/earlyRefresh';
import { SINGLE_FLIGHTS, type SingleFlight } from '../../src/fallback/FallbackOptions';
import { assertFleetWorks } from '../../src/fallback/FleetSingleFlight';
import { resolveRegistry } from '../../src/metrics/registry';
import {
  assertFunction,
  assertNonEmptyString,
  assertNumber,
  assertOneOf,
  assertOptions,
  optionalNumber,
} from '../../src/validation/assert';

/**
 * Options of {@link cachedRoute}. With `earlyRefresh` or `staleWhileRevalidate`
 * ({@link RefreshOptions}), one request at a time refreshes a key at the origin while the others
 * are answered from the cache.
 */
export interface CachedRouteOptions extends RefreshOptions {
  /** Names the route in metrics (`statuskit_fallback_total{name}`) and logs. */
  name: string;
  /** Where response bodies are kept: a `MemoryCache`, a `RedisCache` or your own tier. */
  cache: CacheTier;
  /**
   * The cache key of a request. It sees `req.params`: mount `cachedRoute` on the route itself
   * (`app.get('/products/:id', cachedRoute(…), handler)`). Put in it everything the body varies by
   * that the response's `Vary` does not name. Entries live under `<name>:<key>` in the tier.
   */
  key: (req: Request) => string;
  /**
   * Requests carrying `Authorization` or `Cookie`: `'bypass'` runs the route for them and neither
   * serves nor stores a cached body (a shared cache must not hand one user's answer to another);
   * `'cache'` caches them like any other request, so `key` must then name the user.
   * @default 'bypass'
   */
  authenticated?: 'bypass' | 'cache';
  /** How long a cached body is fresh, in milliseconds (`0`: cache only as a stale backup). */
  ttlMs: number;
  /**
   * How long after `ttlMs` a cached body may still be served: when the route fails, and with
   * `staleWhileRevalidate` while another request refreshes it.
   * @default 0
   */
  staleTtlMs?: number;
  /** Body answered (status 200) when the route fails and no stale body is left; it sees `req.params`. */
  stub?: (req: Request) => unknown;
  /**
   * How long the route may take before the stale body or the stub is served instead, in
   * milliseconds; with neither, a `TimeoutError` is passed to `next`. `0`: no bound.
   * @default 0
   */
  timeoutMs?: number;
  /**
   * Who shares one run of the route for a key that is not fresh (a cold key, or an expired body not
   * served stale). `'process'`: the concurrent requests of this process — the first runs the route,
   * the others are held until its body is stored and then answered from it (`Cache-Status:
   * statuskit; hit`). `'fleet'` (needs a `RedisCache` and `timeoutMs`): every instance sharing
   * the Redis, through the lease a `fallback({ singleFlight: 'fleet' })` uses (`timeoutMs` plus two
   * Redis bounds). When the route's answer is not stored — it failed, was refused by its headers
   * (`no-store`, `Set-Cookie`, …) or its client left — nobody else gets it: the next held request
   * runs the route, one at a time (a failure answered with a stale body is shared: each held request
   * gets its stale body). The holder holds its key at most `holdMs` (`timeoutMs + 100`, or
   * 2100 ms without `timeoutMs`; with `'fleet'`, two leases of waiting plus its own lease); a held
   * request waits at most `2 × holdMs`, then runs the route itself. Redis down or frozen: `'fleet'`
   * is `'process'` again, never a hang. With `ttlMs: 0` nothing is held.
   * @default 'process'
   */
  singleFlight?: SingleFlight;
  /** pino logger; one line when the route starts failing, one when it recovers. @default silent */
  logger?: Logger;
  /** Registry for `statuskit_fallback_total`; `false`: no metrics. @default prom-client's global registry */
  registry?: Registry | false;
  /**
   * The clock, in epoch milliseconds.
   * @default () => Date.now() (read at each call, so jest's fake timers move it)
   */
  now?: () => number;
}

/** Defaults of {@link CachedRouteOptions}. */
export const CACHED_ROUTE_DEFAULTS = {
  staleTtlMs: 0,
  timeoutMs: 0,
  authenticated: 'bypass',
  singleFlight: 'process',
  now: (): number => Date.now(),
} as const;

const AUTHENTICATED_MODES = ['bypass', 'cache'] as const;

/** {@link CachedRouteOptions} validated, copied and with every default applied. */
export interface ResolvedCachedRouteOptions {
  name: string;
  cache: CacheTier;
  key: (req: Request) => string;
  authenticated: 'bypass' | 'cache';
  ttlMs: number;
  staleTtlMs: number;
  stub: ((req: Request) => unknown) | undefined;
  timeoutMs: number;
  singleFlight: SingleFlight;
  logger: Logger;
  registry: Registry | undefined;
  now: () => number;
  refresh: RefreshPolicy;
}

/** Validates `opts` (ConfigError naming the option) and resolves every default, without touching `opts`. */
export function resolveCachedRouteOptions(opts: CachedRouteOptions): ResolvedCachedRouteOptions {
  const o = assertOptions<CachedRouteOptions>('cachedRoute options', opts);
  if (!isCacheTier(o.cache)) {
    throw new ConfigError('cache', o.cache, 'a CacheTier (an object with get, set and delete)');
  }
  const ttlMs = assertNumber('ttlMs', o.ttlMs, { min: 0, allowInfinity: true });
  const staleTtlMs = optionalNumber('staleTtlMs', o.staleTtlMs, CACHED_ROUTE_DEFAULTS.staleTtlMs, {
    min: 0,
    allowInfinity: true,
  });
  const timeoutMs = optionalNumber('timeoutMs', o.timeoutMs, CACHED_ROUTE_DEFAULTS.timeoutMs, { min: 0 });
  const singleFlight =
    o.singleFlight === undefined
      ? CACHED_ROUTE_DEFAULTS.singleFlight
      : assertOneOf('singleFlight', o.singleFlight, SINGLE_FLIGHTS);
  const resolved: ResolvedCachedRouteOptions = {
    name: assertNonEmptyString('name', o.name),
    cache: o.cache,
    key: assertFunction<(req: Request) => string>('key', o.key),
    authenticated:
      o.authenticated === undefined
        ? CACHED_ROUTE_DEFAULTS.authenticated
        : assertOneOf('authenticated', o.authenticated, AUTHENTICATED_MODES),
    ttlMs,
    staleTtlMs,
    stub: o.stub === undefined ? undefined : assertFunction<(req: Request) => unknown>('stub', o.stub),
    timeoutMs,
    singleFlight,
    logger: resolveLogger(o.logger, 'cachedRoute'),
    registry: resolveRegistry(o.registry),
    now: o.now === undefined ? CACHED_ROUTE_DEFAULTS.now : assertFunction<() => number>('now', o.now),
    refresh: resolveRefreshPolicy(o, { ttlMs, staleTtlMs, hasCache: true }),
  };
  if (singleFlight === 'fleet') assertFleetWorks(o.cache, ttlMs, 'timeoutMs', timeoutMs);
  return resolved;
}
