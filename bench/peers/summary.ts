import { pairedDeltas, pairedRatios, summarize, type Summary } from '../lib/stats';

/** The two routes each scenario is measured on. */
export type RouteName = 'api' | 'health';

/** One measurement: one scenario, one route, one round. */
export interface Sample {
  /** Responses per second. */
  rps: number;
  /** Server CPU time (user + system, from `/proc`) per response, in µs. */
  cpuUsPerRequest: number;
  p50Ms: number;
  p99Ms: number;
  completed: number;
  non2xx: number;
  /** Socket errors plus timeouts. */
  errors: number;
}

/** A scenario's figures on one route over all rounds, absolute and against the baseline. */
export interface RouteSummary {
  rps: Summary;
  cpuUsPerRequest: Summary;
  p99Ms: Summary;
  /** Round-by-round `rps / baseline rps`. */
  rpsRatio: Summary;
  /** Round-by-round `cpu − baseline cpu`, µs per request. */
  cpuDeltaUs: Summary;
  /** Round-by-round `cpu / baseline cpu`. */
  cpuRatio: Summary;
  non2xx: number;
  errors: number;
}

/**
 * Summarises a scenario's samples on one route; ratios and deltas are taken round by round against
 * the baseline's samples of the same rounds (both lists hold one sample per round, in order).
 */
export function summarizeRoute(
  own: readonly Sample[],
  baseline: readonly Sample[] | undefined,
): RouteSummary {
  const pick = (list: readonly Sample[] | undefined, key: 'rps' | 'cpuUsPerRequest'): number[] =>
    (list ?? []).map((s) => s[key]);
  const base = baseline !== undefined && baseline.length === own.length ? baseline : undefined;
  const nan = own.map(() => Number.NaN);
  return {
    rps: summarize(pick(own, 'rps')),
    cpuUsPerRequest: summarize(pick(own, 'cpuUsPerRequest')),
    p99Ms: summarize(own.map((s) => s.p99Ms)),
    rpsRatio: summarize(base ? pairedRatios(pick(own, 'rps'), pick(base, 'rps')) : nan),
    cpuDeltaUs: summarize(
      base ? pairedDeltas(pick(own, 'cpuUsPerRequest'), pick(base, 'cpuUsPerRequest')) : nan,
    ),
    cpuRatio: summarize(
      base ? pairedRatios(pick(own, 'cpuUsPerRequest'), pick(base, 'cpuUsPerRequest')) : nan,
    ),
    non2xx: own.reduce((n, s) => n + s.non2xx, 0),
    errors: own.reduce((n, s) => n + s.errors, 0),
  };
}
