import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { CacheEntry } from '../../src/cache/CacheTier';
import { ChainHealth } from '../../src/fallback/ChainHealth';
import { refreshDue } from '../../src/fallback/earlyRefresh';
import {
  answerJson,
  collapsedStatus,
  endOf,
  hitStatus,
  rescueStatus,
  revalidateStatus,
} from './responseHeaders';
import { resolveCachedRouteOptions, type CachedRouteOptions } from './CachedRouteOptions';
import { OriginRun, type RouteContext } from './OriginRun';
import { isCachedBody, isVaryRecord, variantKey, type CachedBody } from './CachedBody';
import { lookup, peekEntry } from './lookupEntry';
import { RefreshGate } from './RefreshGate';
import { MissFlight, type FlightEntry } from './MissFlight';
import type { RedisCache } from '../../src/cache/RedisCache';
import { FleetSingleFlight } from '../../src/fallback/FleetSingleFlight';
import { fleetMetrics } from '../../src/fallback/FleetMetrics';

/**
 * Route-level cache with graceful degradation, behaving as a shared HTTP cache: serves a fresh
 * cached JSON body (with the headers the route sent and an `Age`); else runs the route and caches its
 * 2xx JSON body — one per value of the request headers its `Vary` names, never one that sets a
 * cookie, says `private`, `no-store` or `no-cache`, or has `Vary: *`; when the route throws, answers
 * 5xx or exceeds `timeoutMs`, serves the stale body, else the stub, else lets the failure through.
 * Requests with `Authorization` or `Cookie` bypass the cache unless `authenticated: 'cache'`.
 * Concurrent misses for one key wait for one run of the route (`singleFlight`) and share its body.
 * Every answer carries `X-Statuskit-Source: cache | origin | stale | stub` and an RFC 9211
 * `Cache-Status`. Only GET and HEAD are cached; other methods pass straight on.
 *
 * Entries live under `<name>:<key>`; a route that answers with `Vary` keeps there the list of
 * header names and each variant under `<name>:<key>;vary;<header>=<value>…`, so a hit costs one
 * tier read, or two on a route with `Vary`.
 *
 * Mount it on the route, before the handler, so that `key(req)` and `stub(req)` see `req.params`
 * (Express sets them only once a route matches).
 *
 * @example
 * app.get(
 *   '/products/:id',
 *   cachedRoute({
 *     name: 'product', cache: new RedisCache(redis), ttlMs: 30_000, staleTtlMs: 600_000,
 *     key: (req) => `product:${req.params.id}`,
 *     stub: (req) => ({ id: req.params.id, name: 'Temporarily unavailable' }),
 *   }),
 *   async (req, res) => { res.json(await db.product(req.params.id)); },
 * );
 */
export function cachedRoute(opts: CachedRouteOptions): RequestHandler {
  const o = resolveCachedRouteOptions(opts);
  const fleet =
    o.singleFlight === 'fleet'
      ? new FleetSingleFlight(
          (o.cache as RedisCache).fleetLease(),
          o.timeoutMs,
          fleetMetrics(o.registry, o.name),
        )
      : undefined;
  const ctx: RouteContext = {
    o,
    health: new ChainHealth(o.name, o.logger, o.registry),
    retainMs: o.ttlMs + o.staleTtlMs,
    gate: new RefreshGate(),
    // Without a fresh body to hand them, held requests would only queue.
    flight: o.ttlMs > 0 ? new MissFlight(routeHoldMs(o.timeoutMs, fleet)) : undefined,
    fleet,
  };
  const cache = o.cache;
  const namespace = `${o.name}:`;
  const bypassCredentials = o.authenticated === 'bypass';
  return function statuskitCachedRoute(req: Request, res: Response, next: NextFunction): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const h = req.headers;
    if (bypassCredentials && (h.authorization !== undefined || h.cookie !== undefined)) {
      return new OriginRun(ctx, req, res, next, undefined, undefined).start();
    }
    let key: string;
    try {
      key = namespace + o.key(req);
    } catch (err) {
      return next(err);
    }
    if (cache.peek !== undefined) {
      let entry = peekEntry(ctx, key);
      if (entry !== undefined && isVaryRecord(entry.value)) {
        entry = peekEntry(ctx, variantKey(key, entry.value.vary, req));
      }
      return serve(ctx, req, res, next, key, entry);
    }
    lookup(ctx, key, req).then((found) => serve(ctx, req, res, next, key, found.entry), next);
  };
}

/** How long the holder of a key on a route without `timeoutMs` holds it before the next may run. */
const UNBOUNDED_ROUTE_HOLD_MS = 2000;
/** Time allowed on top of `timeoutMs` for the holder's answer (a stub, the write). */
const HOLD_SLACK_MS = 100;

/**
 * How long the holder of a key holds it, in milliseconds: the route's bound (`timeoutMs`, or
 * {@link UNBOUNDED_ROUTE_HOLD_MS} without one) plus {@link HOLD_SLACK_MS} for its answer; with
 * `'fleet'`, its wait for another instance's body and then its own lease. A held request waits at
 * most twice this.
 */
function routeHoldMs(timeoutMs: number, fleet: FleetSingleFlight | undefined): number {
  if (fleet !== undefined) return fleet.waitMs + fleet.leaseMs;
  return (timeoutMs > 0 ? timeoutMs : UNBOUNDED_ROUTE_HOLD_MS) + HOLD_SLACK_MS;
}

/**
 * Answers a fresh hit, or runs the route with the stale candidate (if any) kept for a rescue.
 * `deadline` is set when the request was held behind another one's run of the route: it bounds any
 * further wait, and a hit then says it was collapsed into that run.
 */
function serve(
  ctx: RouteContext,
  req: Request,
  res: Response,
  next: NextFunction,
  key: string,
  entry: CacheEntry | undefined,
  deadline?: number,
): void {
  try {
    const cached =
      entry !== undefined && isCachedBody(entry.value) ? (entry as CacheEntry<CachedBody>) : undefined;
    if (cached !== undefined) {
      const now = ctx.o.now();
      const ageMs = now - cached.storedAt;
      const { beta, random, staleWhileRevalidate } = ctx.o.refresh;
      if (ageMs < cached.ttlMs) {
        // A request chosen to refresh a body ahead of expiry runs the route; the others keep hitting.
        if (beta !== undefined && refreshDue(cached, now, beta, random) && ctx.gate.claim(key, res)) {
          return new OriginRun(ctx, req, res, next, key, cached, true).start();
        }
        ctx.health.count.cache.inc();
        const ttlLeftMs = cached.ttlMs - ageMs;
        const status = deadline === undefined ? hitStatus(ttlLeftMs) : collapsedStatus(ttlLeftMs);
        answerJson(res, endOf(res), cached.value, 'cache', status, ageMs);
        return;
      }
      if (staleWhileRevalidate && ageMs < cached.ttlMs + ctx.o.staleTtlMs && !ctx.gate.claim(key, res)) {
        ctx.health.count.stale.inc();
        const status = revalidateStatus(ageMs - cached.ttlMs);
        answerJson(res, endOf(res), cached.value, 'stale', status, ageMs);
        return;
      }
    }
    const flight = ctx.flight;
    if (flight === undefined) return new OriginRun(ctx, req, res, next, key, cached).start();
    const alone = (): void => new OriginRun(ctx, req, res, next, key, cached).start();
    flight.join(
      key,
      req,
      res,
      {
        lead: () =>
          ctx.fleet === undefined ? alone() : leadFleet(ctx, ctx.fleet, req, res, next, key, cached),
        serve: (found, until) => serve(ctx, req, res, next, key, found.entry, until),
        retry: (until) => {
          lookup(ctx, key, req).then((found) => serve(ctx, req, res, next, key, found.entry, until), next);
        },
        alone,
        stale: (failure) => serveStale(ctx, res, cached, failure),
      },
      deadline,
    );
  } catch (err) {
    next(err);
  }
}

/** Answers `cached` as a stale body for a route that failed, when it is still within `staleTtlMs`. */
function serveStale(
  ctx: RouteContext,
  res: Response,
  cached: CacheEntry<CachedBody> | undefined,
  failure: number | 'timeout',
): boolean {
  if (cached === undefined) return false;
  const ageMs = ctx.o.now() - cached.storedAt;
  if (ageMs >= cached.ttlMs + ctx.o.staleTtlMs) return false;
  ctx.health.count.stale.inc();
  answerJson(
    res,
    endOf(res),
    cached.value,
    'stale',
    rescueStatus('stale', failure, ageMs - cached.ttlMs),
    ageMs,
  );
  return true;
}

/**
 * The holder of `key` in this process takes part in the fleet's lease: it runs the route when it
 * holds the lease (or Redis fails, or it waited long enough), else answers the body another
 * instance stored. Its client leaving ends the wait.
 */
function leadFleet(
  ctx: RouteContext,
  fleet: FleetSingleFlight,
  req: Request,
  res: Response,
  next: NextFunction,
  key: string,
  cached: CacheEntry<CachedBody> | undefined,
): void {
  const gone = new AbortController();
  const abort = (): void => gone.abort();
  res.once('close', abort);
  const readFresh = (): Promise<FlightEntry | undefined> =>
    lookup(ctx, key, req).then(({ entry, vary }) =>
      entry !== undefined && isCachedBody(entry.value) && ctx.o.now() - entry.storedAt < entry.ttlMs
        ? { entry: entry as CacheEntry<CachedBody>, vary }
        : undefined,
    );
  // Settles once the response is over: the lease is given back after the body's write went out.
  const runRoute = (): Promise<undefined> =>
    new Promise((resolve) => {
      if (gone.signal.aborted) return resolve(undefined);
      res.once('close', () => resolve(undefined));
      new OriginRun(ctx, req, res, next, key, cached).start();
    });
  fleet.run(key, readFresh, runRoute, gone.signal).then((found) => {
    res.off('close', abort);
    if (found === undefined || gone.signal.aborted) return;
    ctx.flight?.found(key, res, found);
    serve(ctx, req, res, next, key, found.entry, Date.now());
  }, next);
}
