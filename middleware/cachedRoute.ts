import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { CacheEntry } from '../src/cache/CacheTier';
import { ChainHealth } from '../src/fallback/ChainHealth';
import { answerJson, endOf, hitStatus, type CachedBody } from './cachedRouteHeaders';
import { resolveCachedRouteOptions, type CachedRouteOptions } from './cachedRouteOptions';
import { OriginRun, type RouteContext } from './cachedRouteResponse';

/**
 * Route-level cache with graceful degradation: serves a fresh cached JSON body; else runs
 * the route and caches its 2xx JSON body (never one that sets a cookie or says `private`/`no-store`);
 * when the route throws, answers 5xx or exceeds `timeoutMs`, serves the stale body, else the stub,
 * else lets the failure through. Every answer carries `X-Statuskit-Source: cache | origin | stale |
 * stub` and an RFC 9211 `Cache-Status`. Only GET and HEAD are cached; other methods pass straight on.
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
  const ctx: RouteContext = {
    o,
    health: new ChainHealth(o.name, o.logger, o.registry),
    retainMs: o.ttlMs + o.staleTtlMs,
  };
  const cache = o.cache;
  return function statuskitCachedRoute(req: Request, res: Response, next: NextFunction): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let key: string;
    try {
      key = o.key(req);
    } catch (err) {
      return next(err);
    }
    if (cache.peek !== undefined) {
      let entry: CacheEntry | undefined;
      try {
        entry = cache.peek(key);
        ctx.health.cacheAnswered();
      } catch (err) {
        ctx.health.cacheFailed(err);
      }
      return serve(ctx, req, res, next, key, entry);
    }
    cache.get(key).then(
      (entry) => {
        ctx.health.cacheAnswered();
        serve(ctx, req, res, next, key, entry);
      },
      (err: unknown) => {
        ctx.health.cacheFailed(err);
        serve(ctx, req, res, next, key, undefined);
      },
    );
  };
}

/** Answers a fresh hit, or runs the route with the stale candidate (if any) kept for a rescue. */
function serve(
  ctx: RouteContext,
  req: Request,
  res: Response,
  next: NextFunction,
  key: string,
  entry: CacheEntry | undefined,
): void {
  try {
    const cached =
      entry !== undefined && isCachedBody(entry.value) ? (entry as CacheEntry<CachedBody>) : undefined;
    if (cached !== undefined) {
      const ageMs = ctx.o.now() - cached.storedAt;
      if (ageMs < cached.ttlMs) {
        ctx.health.count.cache.inc();
        answerJson(res, endOf(res), cached.value, 'cache', hitStatus(cached.ttlMs - ageMs), ageMs);
        return;
      }
    }
    new OriginRun(ctx, req, res, next, key, cached).start();
  } catch (err) {
    next(err);
  }
}

function isCachedBody(v: unknown): v is CachedBody {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as CachedBody).status === 'number' &&
    typeof (v as CachedBody).body === 'string'
  );
}
