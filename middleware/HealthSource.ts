import type { CheckResultSet } from '../src/dependencies/CheckResult';
import type { StatusChange } from '../src/manager/StatusHistory';
import type { CheckStatus } from '../src/status/CheckStatus';

/**
 * The least the short-circuit needs from a `DependencyManager`: two O(1) property reads.
 * Any object with these fields works, which keeps the interceptor testable on its own.
 */
export interface StatusSource {
  /** The aggregated status from the latest results. */
  readonly systemStatus: CheckStatus;
  /** `true` once `drain()` was called. */
  readonly draining: boolean;
}

/**
 * What `healthRoutes`, `requireDependency` and `degradation` need from a `DependencyManager`
 * (the real class satisfies it). Kept narrow so the HTTP layer depends on behaviour, not on a class.
 */
export interface HealthSource extends StatusSource {
  /**
   * A counter that moves on every event that can change a health answer (a stored result, a
   * dependency added or removed, readiness, draining, a system status change). Serialised answers
   * are kept while it stays put.
   */
  readonly version: number;
  /** A dependency's latest status in O(1); `undefined` while it has no result, or for an unknown id. */
  statusOf(id: string): CheckStatus | undefined;
  /** `true` once the first round of checks started by `start()` has finished. */
  readonly ready: boolean;
  /** Application name shown in reports, when the manager has one. */
  readonly appName?: string;
  /** Every dependency's latest result; synchronous, no I/O. */
  snapshot(): CheckResultSet;
  /** A fresh evaluation: live dependencies run now, background ones answer their latest result. */
  evaluate(): Promise<CheckResultSet>;
  /** Every dependency run now, background ones included (what `/healthcheck/live` answers). */
  evaluateAll?(): Promise<CheckResultSet>;
  /** Whether a dependency with this id is registered (to tell "no result yet" from "unknown"). */
  has?(id: string): boolean;
  /**
   * The recent status changes, newest first: the system's without `id`, else that dependency's
   * (may throw for an id with no dependency). Shown by the detailed report and the status page.
   */
  history?(id?: string): readonly StatusChange[];
}

/** What `gracefulShutdown` needs from a `DependencyManager`. */
export interface DrainableManager {
  /** Readiness and `/healthcheck` fail from now on. */
  drain(): void;
  /** Clears timers, aborts runs, resolves when idle. */
  stop(): Promise<void>;
}
