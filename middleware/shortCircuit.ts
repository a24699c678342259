import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Registry } from 'prom-client';
import { ConfigError } from '../src/errors/ConfigError';
import { METRICS } from '../src/metrics/METRICS';
import { counter, resolveRegistry } from '../src/metrics/registry';
import { assertBoolean, assertNumber, assertOptions, optionalNumber } from '../src/validation/assert';
import type { StatusSource } from './HealthSource';

/** Options of {@link shortCircuit}. */
export interface ShortCircuitOptions {
  /** Status code answered while the system is in OUTAGE. @default 500 */
  statusCode?: number;
  /** `Retry-After` header value, in seconds. @default 5 */
  retryAfterSeconds?: number;
  /**
   * Requests that always pass: a list of paths (each also covers the paths beneath it and a
   * trailing slash, compared case-insensitively like Express's routing) or a predicate.
   * @default defaultShortCircuitExclude (the health routes and /metrics, at any mount path)
   */
  exclude?: readonly string[] | ((req: Request) => boolean);
  /** Pass every request through (an operational kill switch). @default false */
  failOpen?: boolean;
  /** prom-client registry for `statuskit_short_circuited_requests_total`; `false`: none. @default the global registry */
  registry?: Registry | false;
}

/** Defaults of {@link ShortCircuitOptions}. */
export const SHORT_CIRCUIT_DEFAULTS = Object.freeze({
  statusCode: 500,
  retryAfterSeconds: 5,
  failOpen: false,
});

/**
 * A path that ends in a health route or `/metrics`, behind any mount prefix: `/livez`,
 * `/ops/livez/`, `/ops/healthcheck/details`. `/healthcheck` covers one segment beneath it (its
 * views and per-id results) and no more, so `/api/healthcheck/x/orders` is not mistaken for a probe.
 */
const HEALTH_AND_METRICS = /\/(?:healthcheck(?:\/[^/]+)?|livez|readyz|startupz|metrics)\/?$/i;

/**
 * The default `exclude` of {@link shortCircuit}: the health routes (`/healthcheck` and its views,
 * `/livez`, `/readyz`, `/startupz`) and `/metrics` wherever they are mounted (a path that ends in
 * one of them, e.g. `/ops/livez`), so probes and scrapes still see the truth during an outage and
 * liveness never fails because a dependency is down. Only consulted while the system is in OUTAGE.
 * Exported so a custom predicate can extend it.
 *
 * @example
 * shortCircuit(manager, { exclude: (req) => defaultShortCircuitExclude(req) || req.path === '/status' });
 */
export function defaultShortCircuitExclude(req: Request): boolean {
  return HEALTH_AND_METRICS.test(req.path);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function resolveExclude(value: unknown): (req: Request) => boolean {
  if (value === undefined) return defaultShortCircuitExclude;
  if (typeof value === 'function') return value as (req: Request) => boolean;
  if (!Array.isArray(value) || value.some((p) => typeof p !== 'string' || !p.startsWith('/'))) {
    throw new ConfigError('exclude', value, "a list of paths starting with '/' or a predicate");
  }
  if (value.length === 0) return () => false;
  const alternatives = (value as string[]).map((p) => escapeRegExp(p.replace(/\/+$/, '')));
  const pattern = new RegExp(`^(?:${alternatives.join('|')})(?:/.*)?$`, 'i');
  return (req) => pattern.test(req.path);
}

/**
 * While the manager's system status is OUTAGE, answers `statusCode` with `Retry-After` and
 * `{ error: 'service_unavailable', condition: 'OUTAGE' }` without calling the route. The healthy
 * path costs one property read; the answer is serialised once, here.
 *
 * @example
 * app.use(healthRoutes(manager));
 * app.use(shortCircuit(manager));
 * app.get('/api/orders', listOrders); // not called while OUTAGE
 */
export function shortCircuit(manager: StatusSource, opts?: ShortCircuitOptions): RequestHandler {
  if (typeof manager !== 'object' || manager === null || !('systemStatus' in manager)) {
    throw new ConfigError('manager', manager, 'a DependencyManager');
  }
  const o = assertOptions<ShortCircuitOptions>('options', opts);
  const D = SHORT_CIRCUIT_DEFAULTS;
  const statusCode =
    o.statusCode === undefined
      ? D.statusCode
      : assertNumber('statusCode', o.statusCode, { integer: true, min: 400, max: 599 });
  const retryAfter = optionalNumber('retryAfterSeconds', o.retryAfterSeconds, D.retryAfterSeconds, {
    integer: true,
    min: 0,
  });
  const failOpen = o.failOpen === undefined ? D.failOpen : assertBoolean('failOpen', o.failOpen);
  const exclude = resolveExclude(o.exclude);
  const registry = resolveRegistry(o.registry);
  const shorted = registry === undefined ? undefined : counter(registry, METRICS.shortCircuited);

  if (failOpen) {
    return function statuskitShortCircuit(_req: Request, _res: Response, next: NextFunction) {
      next();
    };
  }
  const body = Buffer.from(JSON.stringify({ error: 'service_unavailable', condition: 'OUTAGE' }));
  const retryAfterValue = String(retryAfter);

  return function statuskitShortCircuit(req: Request, res: Response, next: NextFunction) {
    if (manager.systemStatus !== 'OUTAGE') return next();
    let excluded: boolean;
    try {
      excluded = exclude(req);
    } catch (err) {
      return next(err);
    }
    if (excluded) return next();
    shorted?.inc();
    res.statusCode = statusCode;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', body.length);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Retry-After', retryAfterValue);
    res.end(body);
  };
}
