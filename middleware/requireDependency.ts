import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DEPENDENCY_ID_PATTERN } from '../src/dependencies/Dependency';
import { CheckStatus } from '../src/status/CheckStatus';
import {
  assertFunction,
  assertNumber,
  assertOneOf,
  assertOptions,
  assertString,
} from '../src/validation/assert';
import type { HealthSource } from './HealthSource';

/** Options of {@link requireDependency}. */
export interface RequireDependencyOptions {
  /** The worst status of the dependency that still lets requests through. @default 'MAJOR' */
  atLeast?: CheckStatus;
  /** Runs instead of the route while the dependency is worse than `atLeast`. @default undefined (answer `statusCode`) */
  fallback?: RequestHandler;
  /** Status code answered when there is no `fallback`. @default 503 */
  statusCode?: number;
}

/** Defaults of {@link RequireDependencyOptions}. */
export const REQUIRE_DEPENDENCY_DEFAULTS = Object.freeze({
  atLeast: 'MAJOR',
  statusCode: 503,
});

/**
 * A route gate on one dependency: passes while its latest status is `atLeast` or better, else runs
 * `fallback` or answers `statusCode` with `{ error: 'dependency_unavailable', dependency, status }`.
 * A dependency that has no result yet passes (readiness keeps traffic away until the first round of
 * checks has finished). The lookup is one `Map.get`; answers are serialised here, once.
 *
 * @example
 * app.get('/api/recommendations', requireDependency(manager, 'recommender', { atLeast: 'MINOR' }), handler);
 */
export function requireDependency(
  manager: Pick<HealthSource, 'statusOf'>,
  id: string,
  opts?: RequireDependencyOptions,
): RequestHandler {
  assertString('id', id, DEPENDENCY_ID_PATTERN, 'a dependency id');
  const o = assertOptions<RequireDependencyOptions>('options', opts);
  const D = REQUIRE_DEPENDENCY_DEFAULTS;
  const atLeast =
    o.atLeast === undefined ? D.atLeast : assertOneOf<CheckStatus>('atLeast', o.atLeast, CheckStatus.values);
  const fallback =
    o.fallback === undefined ? undefined : assertFunction<RequestHandler>('fallback', o.fallback);
  const statusCode =
    o.statusCode === undefined
      ? D.statusCode
      : assertNumber('statusCode', o.statusCode, { integer: true, min: 400, max: 599 });
  const minRank = CheckStatus.rank(atLeast);
  const bodies = new Map<CheckStatus, Buffer>(
    CheckStatus.values.map((s) => [
      s,
      Buffer.from(JSON.stringify({ error: 'dependency_unavailable', dependency: id, status: s })),
    ]),
  );

  return function statuskitRequireDependency(req: Request, res: Response, next: NextFunction) {
    const status = manager.statusOf(id);
    if (status === undefined || CheckStatus.rank(status) >= minRank) return next();
    if (fallback !== undefined) return fallback(req, res, next);
    const body = bodies.get(status)!;
    res.statusCode = statusCode;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', body.length);
    res.setHeader('Cache-Control', 'no-store');
    res.end(body);
  };
}
