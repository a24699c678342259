import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ConfigError } from '../src/errors/ConfigError';
import { CheckStatus } from '../src/status/CheckStatus';
import type { HealthSource } from './HealthSource';

/** What {@link degradation} puts in `res.locals.status`. */
export interface DegradationView {
  /** The system status, read when accessed. */
  readonly system: CheckStatus;
  /** A dependency's latest status; `undefined` until it has a result. */
  of(id: string): CheckStatus | undefined;
  /**
   * Whether the dependency is `atLeast` (default `'MINOR'`) or better. One without a result yet
   * counts as available.
   */
  isAvailable(id: string, atLeast?: CheckStatus): boolean;
}

/**
 * Sets `res.locals.status` so a view can drop a widget whose dependency is down. The view object is
 * built once and shared by every request: `system` is a getter, lookups are one `Map.get`.
 *
 * @example
 * app.use(degradation(manager));
 * app.get('/', (req, res) => res.render('home', { showReviews: res.locals.status.isAvailable('reviews') }));
 */
export function degradation(manager: Pick<HealthSource, 'statusOf' | 'systemStatus'>): RequestHandler {
  if (typeof manager !== 'object' || manager === null || typeof manager.statusOf !== 'function') {
    throw new ConfigError('manager', manager, 'a DependencyManager');
  }
  const view: DegradationView = Object.freeze({
    get system(): CheckStatus {
      return manager.systemStatus;
    },
    of(id: string): CheckStatus | undefined {
      return manager.statusOf(id);
    },
    isAvailable(id: string, atLeast: CheckStatus = 'MINOR'): boolean {
      if (!CheckStatus.is(atLeast))
        throw new TypeError(`atLeast must be a CheckStatus, got ${String(atLeast)}`);
      const status = manager.statusOf(id);
      return status === undefined || CheckStatus.rank(status) >= CheckStatus.rank(atLeast);
    },
  });

  return function statuskitDegradation(_req: Request, res: Response, next: NextFunction) {
    res.locals.status = view;
    next();
  };
}
