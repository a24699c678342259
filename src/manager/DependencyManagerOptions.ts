import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { resolveLogger } from '../logging/resolveLogger';
import { resolveRegistry } from '../metrics/registry';
import { assertFunction, assertNonEmptyString, assertOptions, optionalNumber } from '../validation/assert';

/** Largest delay `setTimeout` honours (about 24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647;

/** Defaults applied to every registered dependency that does not set its own. */
export interface DependencyDefaults {
  /** Bound on one check run in ms; 0 = no timeout. @default 2000 */
  timeoutMs?: number;
  /** Delay between the end of one background run and the start of the next, in ms. @default 10000 */
  pingPeriodMs?: number;
  /**
   * After at least one success, this many consecutive failures report `MINOR` before the real
   * status shows (Indeed's pinger grace rule). @default 2
   */
  graceFailures?: number;
}

/** Options of `new DependencyManager(opts)`. */
export interface DependencyManagerOptions {
  /** Application name shown in detailed reports. @default 'app' */
  appName?: string;
  /** pino logger; the manager logs through `logger.child({ component: 'manager' })`. @default a silent logger */
  logger?: Logger;
  /** prom-client registry for the check metrics; `false` creates none. @default prom-client's global registry */
  registry?: Registry | false;
  /** Per-dependency defaults. @default { timeoutMs: 2000, pingPeriodMs: 10000, graceFailures: 2 } */
  defaults?: DependencyDefaults;
  /** Clock for result timestamps (epoch ms); inject one for deterministic tests. @default Date.now */
  now?: () => number;
  /**
   * How many status changes `manager.history(id?)` keeps per dependency and for the system (an
   * integer from 0 to {@link MAX_HISTORY_SIZE}); 0 keeps none (`history()` answers `[]`, the status
   * page shows no timeline). Results' `since` is kept either way.
   * @default 20
   */
  historySize?: number;
}

/** Largest `historySize`: keeps the history's memory bounded (a few hundred bytes per change). */
export const MAX_HISTORY_SIZE = 1000;

/** Defaults of {@link DependencyManagerOptions}. */
export const DEPENDENCY_MANAGER_DEFAULTS = Object.freeze({
  appName: 'app',
  timeoutMs: 2000,
  pingPeriodMs: 10_000,
  graceFailures: 2,
  historySize: 20,
  // Looked up on each call so fake timers (which replace Date.now) are honoured.
  now: (): number => Date.now(),
});

/** {@link DependencyManagerOptions} after validation and defaulting. */
export interface ResolvedManagerOptions {
  appName: string;
  logger: Logger;
  registry: Registry | undefined;
  timeoutMs: number;
  pingPeriodMs: number;
  graceFailures: number;
  now: () => number;
  historySize: number;
}

/** Validates `opts` (throwing `ConfigError` naming the option) and applies the defaults. */
export function resolveManagerOptions(opts: unknown): ResolvedManagerOptions {
  const o = assertOptions<DependencyManagerOptions>('options', opts);
  const d = assertOptions<DependencyDefaults>('defaults', o.defaults);
  const D = DEPENDENCY_MANAGER_DEFAULTS;
  return {
    appName: o.appName === undefined ? D.appName : assertNonEmptyString('appName', o.appName),
    logger: resolveLogger(o.logger, 'manager'),
    registry: resolveRegistry(o.registry),
    timeoutMs: optionalNumber('defaults.timeoutMs', d.timeoutMs, D.timeoutMs, {
      min: 0,
      max: MAX_TIMER_MS,
      integer: true,
    }),
    pingPeriodMs: optionalNumber('defaults.pingPeriodMs', d.pingPeriodMs, D.pingPeriodMs, {
      min: 1,
      max: MAX_TIMER_MS,
      integer: true,
    }),
    graceFailures: optionalNumber('defaults.graceFailures', d.graceFailures, D.graceFailures, {
      min: 0,
      integer: true,
    }),
    now: o.now === undefined ? D.now : assertFunction<() => number>('now', o.now),
    historySize: optionalNumber('historySize', o.historySize, D.historySize, {
      min: 0,
      max: MAX_HISTORY_SIZE,
      integer: true,
    }),
  };
}
