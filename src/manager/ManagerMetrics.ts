import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS } from '../metrics/METRICS';
import { counter, gauge, histogram } from '../metrics/registry';
import { CheckStatus } from '../status/CheckStatus';
import type { Urgency } from '../status/Urgency';
import type { RunKind } from './runCheck';

/** Buckets for `statuskit_check_duration_seconds`: 1 ms … 30 s (checks are bounded by their timeout). */
export const CHECK_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The manager's Prometheus metrics, get-or-create on one registry so many managers can
 * share it. {@link ManagerMetrics.create} returns a no-op when the registry option is `false`.
 */
export class ManagerMetrics {
  private constructor(
    private readonly dependencyStatus: Gauge,
    private readonly systemStatus: Gauge,
    private readonly duration: Histogram,
    private readonly runs: Counter,
  ) {}

  /** Metrics on `registry`, or a no-op recorder when there is none. */
  static create(registry: Registry | undefined): ManagerMetrics | NoopManagerMetrics {
    if (registry === undefined) return NOOP;
    return new ManagerMetrics(
      gauge(registry, METRICS.dependencyStatus),
      gauge(registry, METRICS.systemStatus),
      histogram(registry, METRICS.checkDuration, CHECK_DURATION_BUCKETS),
      counter(registry, METRICS.checkRuns),
    );
  }

  /** Records one finished run (a disabled or aborted run is not a run). */
  observeRun(id: string, kind: RunKind, durationMs: number): void {
    if (kind !== 'ok' && kind !== 'failure' && kind !== 'timeout') return;
    this.duration.observe({ dependency: id }, durationMs / 1000);
    this.runs.inc({ dependency: id, result: kind });
  }

  /** Sets a dependency's status gauge. */
  setDependency(id: string, urgency: Urgency, status: CheckStatus): void {
    this.dependencyStatus.set({ dependency: id, urgency }, CheckStatus.severity(status));
  }

  /** Drops a dependency's status series (after `unregister()`). */
  removeDependency(id: string, urgency: Urgency): void {
    this.dependencyStatus.remove({ dependency: id, urgency });
  }

  /** Sets the system status gauge. */
  setSystem(status: CheckStatus): void {
    this.systemStatus.set(CheckStatus.severity(status));
  }
}

/** The recorder used with `registry: false`: every call does nothing. */
export type NoopManagerMetrics = Pick<
  ManagerMetrics,
  'observeRun' | 'setDependency' | 'removeDependency' | 'setSystem'
>;

const noop = (): void => undefined;
const NOOP: NoopManagerMetrics = Object.freeze({
  observeRun: noop,
  setDependency: noop,
  removeDependency: noop,
  setSystem: noop,
});
