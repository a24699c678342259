import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ConfigError } from '../errors/ConfigError';
import { resolveLogger } from '../logging/resolveLogger';
import { resolveRegistry } from '../metrics/registry';
import {
  assertFunction,
  assertNonEmptyString,
  assertNumber,
  assertOptions,
  optionalNumber,
} from '../validation/assert';

/** Open after this many failures in a row. */
export interface ConsecutiveTrip {
  /** Failures in a row that open the circuit (an integer ≥ 1). */
  consecutive: number;
  /**
   * Window over which the recent failure rate is counted for reports and health (a breaker that
   * saw a failure lately reports MINOR), in ms.
   * @default 10000
   */
  windowMs?: number;
}

/** Open when the failure rate over a sliding window reaches `rate`, once the window holds `minCalls`. */
export interface RateTrip {
  /** Failure rate in (0, 1] that opens the circuit. */
  rate: number;
  /** Calls the window must hold before the rate counts (an integer ≥ 1). @default 20 */
  minCalls?: number;
  /** Length of the sliding window, in ms (counted in 10 buckets). @default 10000 */
  windowMs?: number;
}

/** When a {@link CircuitBreaker} opens. */
export type TripRule = ConsecutiveTrip | RateTrip;

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Names the breaker in metrics (`statuskit_breaker_*{name}`), logs and errors. */
  name: string;
  /** When the circuit opens. @default { consecutive: 5 } */
  trip?: TripRule;
  /** How long the circuit stays open before one trial call, in ms. @default 5000 */
  halfOpenAfterMs?: number;
  /**
   * Cap on the open delay, which doubles after every failed trial call, in ms (≥ `halfOpenAfterMs`).
   * @default 60000
   */
  maxHalfOpenAfterMs?: number;
  /**
   * Whether an error counts against the dependency. An error it rejects (e.g. an HTTP 4xx: the
   * partner answered, the request was wrong) still reaches the caller but counts as a success.
   * @default every error is a failure
   */
  isFailure?: (error: unknown) => boolean;
  /** pino logger: one line per state change. @default silent */
  logger?: Logger;
  /** Registry for `statuskit_breaker_*`; `false`: no metrics. @default prom-client's global registry */
  registry?: Registry | false;
  /**
   * The clock, in epoch ms.
   * @default () => Date.now() (read at each call, so jest's fake timers move it)
   */
  now?: () => number;
}

/** Defaults of {@link CircuitBreakerOptions}. */
export const CIRCUIT_BREAKER_DEFAULTS = {
  trip: Object.freeze({ consecutive: 5 }),
  minCalls: 20,
  windowMs: 10000,
  halfOpenAfterMs: 5000,
  maxHalfOpenAfterMs: 60000,
  isFailure: (): boolean => true,
  now: (): number => Date.now(),
} as const;

/** {@link CircuitBreakerOptions} validated, copied and with every default applied. */
export interface ResolvedCircuitBreakerOptions {
  name: string;
  /** Failures in a row that open the circuit; `Infinity` under a rate rule. */
  consecutive: number;
  /** Failure rate that opens the circuit; `Infinity` (never) under a consecutive rule. */
  rate: number;
  minCalls: number;
  windowMs: number;
  halfOpenAfterMs: number;
  maxHalfOpenAfterMs: number;
  isFailure: (error: unknown) => boolean;
  logger: Logger;
  registry: Registry | undefined;
  now: () => number;
}

/** Node's longest timer delay: a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647;

const DELAY = { min: 1, max: MAX_TIMER_MS, integer: true } as const;

function resolveTrip(
  trip: unknown,
): Pick<ResolvedCircuitBreakerOptions, 'consecutive' | 'rate' | 'minCalls' | 'windowMs'> {
  const t = assertOptions<ConsecutiveTrip & RateTrip>('trip', trip ?? CIRCUIT_BREAKER_DEFAULTS.trip);
  const windowMs = optionalNumber('trip.windowMs', t.windowMs, CIRCUIT_BREAKER_DEFAULTS.windowMs, DELAY);
  if (t.consecutive !== undefined && t.rate !== undefined) {
    throw new ConfigError('trip', trip, 'either { consecutive } or { rate, minCalls, windowMs }, not both');
  }
  if (t.rate === undefined) {
    const consecutive = assertNumber('trip.consecutive', t.consecutive, { min: 1, integer: true });
    return { consecutive, rate: Infinity, minCalls: CIRCUIT_BREAKER_DEFAULTS.minCalls, windowMs };
  }
  const rate = assertNumber('trip.rate', t.rate, { max: 1 });
  if (!(rate > 0)) throw new ConfigError('trip.rate', rate, 'a number in (0, 1]');
  const minCalls = optionalNumber('trip.minCalls', t.minCalls, CIRCUIT_BREAKER_DEFAULTS.minCalls, {
    min: 1,
    integer: true,
  });
  return { consecutive: Infinity, rate, minCalls, windowMs };
}

/** Validates `opts` (ConfigError naming the option) and resolves every default, without touching `opts`. */
export function resolveCircuitBreakerOptions(opts: CircuitBreakerOptions): ResolvedCircuitBreakerOptions {
  const o = assertOptions<CircuitBreakerOptions>('circuit breaker options', opts);
  const halfOpenAfterMs = optionalNumber(
    'halfOpenAfterMs',
    o.halfOpenAfterMs,
    CIRCUIT_BREAKER_DEFAULTS.halfOpenAfterMs,
    DELAY,
  );
  const maxHalfOpenAfterMs = optionalNumber(
    'maxHalfOpenAfterMs',
    o.maxHalfOpenAfterMs,
    Math.max(CIRCUIT_BREAKER_DEFAULTS.maxHalfOpenAfterMs, halfOpenAfterMs),
    DELAY,
  );
  if (maxHalfOpenAfterMs < halfOpenAfterMs) {
    throw new ConfigError('maxHalfOpenAfterMs', maxHalfOpenAfterMs, `≥ halfOpenAfterMs (${halfOpenAfterMs})`);
  }
  return {
    name: assertNonEmptyString('name', o.name),
    ...resolveTrip(o.trip),
    halfOpenAfterMs,
    maxHalfOpenAfterMs,
    isFailure:
      o.isFailure === undefined
        ? CIRCUIT_BREAKER_DEFAULTS.isFailure
        : assertFunction<(error: unknown) => boolean>('isFailure', o.isFailure),
    logger: resolveLogger(o.logger, 'breaker'),
    registry: resolveRegistry(o.registry),
    now: o.now === undefined ? CIRCUIT_BREAKER_DEFAULTS.now : assertFunction<() => number>('now', o.now),
  };
}
