import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ConfigError } from '../../src/errors/ConfigError';
import { FeatureFlags } from '../../src/flags/FeatureFlags';
import { assertFlagKey } from '../../src/flags/Flag';
import { assertFunction, assertOptions, optionalNumber } from '../../src/validation/assert';

/** Options of `featureGate(flags, key, opts)`. */
export interface FeatureGateOptions {
  /** Runs instead of the route while the flag is off (e.g. an older implementation). @default answer `statusCode` */
  whenDisabled?: RequestHandler;
  /**
   * Status answered while the flag is off and no `whenDisabled` is given; the JSON body is
   * `{ error: 'not_found' }` for 404 (the feature stays invisible) and
   * `{ error: 'feature_disabled' }` otherwise. @default 404
   */
  statusCode?: number;
}

/** Defaults of {@link FeatureGateOptions}. */
export const FEATURE_GATE_DEFAULTS = Object.freeze({ statusCode: 404 });

/**
 * Passes requests on while flag `key` is on; otherwise runs `whenDisabled` or answers `statusCode`.
 * Costs one `Map` lookup per request; the flag's key is checked at construction.
 *
 * @example
 * app.get('/checkout/v2', featureGate(flags, 'new-checkout'), checkoutV2);
 * app.use('/partner', featureGate(flags, 'partner-api.enabled', { statusCode: 503 }));
 */
export function featureGate(flags: FeatureFlags, key: string, opts?: FeatureGateOptions): RequestHandler {
  if (!(flags instanceof FeatureFlags)) throw new ConfigError('flags', flags, 'a FeatureFlags instance');
  const k = assertFlagKey(key);
  const o = assertOptions<FeatureGateOptions>('options', opts);
  const statusCode = optionalNumber('statusCode', o.statusCode, FEATURE_GATE_DEFAULTS.statusCode, {
    min: 400,
    max: 599,
    integer: true,
  });
  const whenDisabled =
    o.whenDisabled === undefined ? undefined : assertFunction<RequestHandler>('whenDisabled', o.whenDisabled);
  const body = JSON.stringify({ error: statusCode === 404 ? 'not_found' : 'feature_disabled' });

  return function statuskitFeatureGate(req: Request, res: Response, next: NextFunction) {
    if (flags.isEnabled(k)) return next();
    if (whenDisabled) return whenDisabled(req, res, next);
    res.status(statusCode).type('application/json').send(body);
  };
}
