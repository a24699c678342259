import os from 'node:os';
import type { Request } from 'express';
import { ConfigError } from '../../src/errors/ConfigError';
import type { CheckStatus } from '../../src/status/CheckStatus';
import {
  assertBoolean,
  assertFunction,
  assertNonEmptyString,
  assertNumber,
  assertOptions,
  optionalNumber,
} from '../../src/validation/assert';
import { isLoopbackRequest } from './privateAccess';

/** The states `/healthcheck` maps to an HTTP status code: the four statuses, and draining. */
export type HealthState = CheckStatus | 'DRAINING';

/** Options of {@link healthRoutes}. */
export interface HealthRoutesOptions {
  /**
   * Bearer token that opens the private views (details, live, per-id, status page) to remote
   * clients; compared in constant time. Without it, remote clients get 404.
   * @default undefined (loopback clients only)
   */
  token?: string;
  /**
   * HTTP status codes of `/healthcheck` (and the detailed reports) per state; the ones you give
   * replace the defaults. `dcStatus` is `'FAILOVER'` exactly when the code is not 2xx.
   * @default { OK: 200, MINOR: 200, MAJOR: 200, OUTAGE: 503, DRAINING: 503 }
   */
  statusCodes?: Partial<Record<HealthState, number>>;
  /**
   * Which requests count as private without a token. Never trust `X-Forwarded-For` here unless
   * Express's `trust proxy` is set to your proxy: then `(req) => isLoopbackAddress(req.ip)`.
   * @default isLoopbackRequest (the TCP peer is 127.0.0.0/8 or ::1)
   */
  privateAccess?: (req: Request) => boolean;
  /** Application name in the reports. @default the manager's `appName`, else 'app' */
  appName?: string;
  /** Host name in the reports. @default os.hostname() */
  hostname?: string;
  /** Seconds between reloads of the HTML status page. @default 5 */
  refreshSeconds?: number;
  /**
   * Serve the full `application/health+json` document (each check's `output` and observed value)
   * to every client. Without it, a client that may not see the private views gets statuses only.
   * @default false
   */
  publicDetails?: boolean;
  /**
   * Add `x-envoy-degraded: true` to every 2xx answer of `/healthcheck` (and its JSON, details,
   * live and HTML views) and of `/readyz` while the system is not `OK`: an Envoy active HTTP health
   * check then marks the host degraded (it gets traffic only when healthy hosts run short) instead
   * of healthy. Never on a 5xx answer, `/livez`, `/startupz` or a per-dependency result.
   * @default false
   */
  degradedHeader?: boolean;
}

/** Defaults of {@link HealthRoutesOptions}. */
export const HEALTH_ROUTES_DEFAULTS = Object.freeze({
  statusCodes: Object.freeze({ OK: 200, MINOR: 200, MAJOR: 200, OUTAGE: 503, DRAINING: 503 }),
  privateAccess: isLoopbackRequest,
  appName: 'app',
  refreshSeconds: 5,
  publicDetails: false,
  degradedHeader: false,
});

/** {@link HealthRoutesOptions} after validation and defaulting. */
export interface ResolvedHealthOptions {
  token: string | undefined;
  statusCodes: Readonly<Record<HealthState, number>>;
  privateAccess: (req: Request) => boolean;
  appName: string;
  hostname: string;
  refreshSeconds: number;
  publicDetails: boolean;
  degradedHeader: boolean;
}

const STATES: readonly HealthState[] = ['OK', 'MINOR', 'MAJOR', 'OUTAGE', 'DRAINING'];

function resolveStatusCodes(value: unknown): Record<HealthState, number> {
  const given = assertOptions<Record<string, unknown>>('statusCodes', value);
  const out: Record<HealthState, number> = { ...HEALTH_ROUTES_DEFAULTS.statusCodes };
  for (const [key, code] of Object.entries(given)) {
    if (!(STATES as readonly string[]).includes(key)) {
      throw new ConfigError('statusCodes', key, `keyed by ${STATES.join(', ')}`);
    }
    const state = key as HealthState;
    out[state] = assertNumber(`statusCodes.${state}`, code, { integer: true, min: 200, max: 599 });
  }
  return out;
}

/** Validates `opts` (throwing `ConfigError` naming the option) and applies the defaults. */
export function resolveHealthOptions(opts: unknown, managerAppName: unknown): ResolvedHealthOptions {
  const o = assertOptions<HealthRoutesOptions>('options', opts);
  const D = HEALTH_ROUTES_DEFAULTS;
  if (o.token !== undefined && (typeof o.token !== 'string' || /\s/.test(o.token) || o.token === '')) {
    throw new ConfigError('token', '[redacted]', 'a non-empty string without whitespace');
  }
  const fallbackName =
    typeof managerAppName === 'string' && managerAppName !== '' ? managerAppName : D.appName;
  return {
    token: o.token,
    statusCodes: Object.freeze(resolveStatusCodes(o.statusCodes)),
    privateAccess:
      o.privateAccess === undefined
        ? D.privateAccess
        : assertFunction<(req: Request) => boolean>('privateAccess', o.privateAccess),
    appName: o.appName === undefined ? fallbackName : assertNonEmptyString('appName', o.appName),
    hostname: o.hostname === undefined ? os.hostname() : assertNonEmptyString('hostname', o.hostname),
    refreshSeconds: optionalNumber('refreshSeconds', o.refreshSeconds, D.refreshSeconds, {
      integer: true,
      min: 1,
      max: 3600,
    }),
    publicDetails:
      o.publicDetails === undefined ? D.publicDetails : assertBoolean('publicDetails', o.publicDetails),
    degradedHeader:
      o.degradedHeader === undefined ? D.degradedHeader : assertBoolean('degradedHeader', o.degradedHeader),
  };
}
