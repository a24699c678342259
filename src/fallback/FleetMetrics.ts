import type { Registry } from 'prom-client';
import { METRICS } from '../metrics/METRICS';
import { counter, histogram } from '../metrics/registry';

/**
 * How one call through the fleet's lease went, a label of `statuskit_fallback_fleet_total`:
 * - `holder`: took the lease at once and called the sources;
 * - `took_over`: waited, found the lease gone without a fresh entry (its holder failed or died), took it;
 * - `shared`: waited and was answered from the entry another instance wrote (no source call);
 * - `timed_out`: waited the whole bound, then called the sources itself;
 * - `redis_failed`: a lease command failed (Redis down or frozen): called the sources at once;
 * - `skipped`: a lease command failed less than a second ago: called the sources without asking Redis.
 */
export type FleetOutcome = 'holder' | 'took_over' | 'shared' | 'timed_out' | 'redis_failed' | 'skipped';

/** Every {@link FleetOutcome}, in the order they are reported. */
export const FLEET_OUTCOMES: readonly FleetOutcome[] = [
  'holder',
  'took_over',
  'shared',
  'timed_out',
  'redis_failed',
  'skipped',
];

/** Wait buckets, in seconds: a poll (5 ms) up to two long leases. */
const WAIT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What {@link FleetSingleFlight} reports about each call. Internal. */
export interface FleetObserver {
  /** The call's outcome; `waitedMs`: how long it waited on another instance's lease (0: it did not). */
  settled(outcome: FleetOutcome, waitedMs: number): void;
}

const SILENT: FleetObserver = Object.freeze({ settled: (): void => undefined });

/**
 * `statuskit_fallback_fleet_total{name, outcome}` and `statuskit_fallback_fleet_wait_seconds{name}`
 * on `registry` (silent for `registry: false`). Only misses that reach the lease are counted (at most
 * one per key and process at a time): prom-client's own `labels().inc()` is cheap enough there.
 */
export function fleetMetrics(registry: Registry | undefined, name: string): FleetObserver {
  if (registry === undefined) return SILENT;
  const c = counter(registry, METRICS.fallbackFleet);
  // Every series exists from the start at 0, so rate() sees the first event.
  const cells = new Map(FLEET_OUTCOMES.map((o) => [o, c.labels(name, o)] as const));
  for (const cell of cells.values()) cell.inc(0);
  const wait = histogram(registry, METRICS.fallbackFleetWait, WAIT_BUCKETS).labels(name);
  return {
    settled(outcome, waitedMs) {
      cells.get(outcome)!.inc();
      if (waitedMs > 0) wait.observe(waitedMs / 1000);
    },
  };
}
