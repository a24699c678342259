import type { CheckResult, CheckResultSet } from '../src/dependencies/CheckResult';
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

/** Manager events the HTTP layer listens to (a subset of `DependencyManagerEvents`). */
export interface ManagerEventMap {
  /** After every stored result. */
  checked: [result: CheckResult];
  /** After `register()`. */
  added: [dependency: unknown];
  /** After `unregister()`. */
  removed: [dependency: { id: string }];
  /** Once the first round of `start()` has finished. */
  ready: [];
  /** When `drain()` was first called. */
  draining: [];
  /** When the aggregated status changed. */
  systemChanged: [event: { from: CheckStatus; to: CheckStatus }];
}

/** Event subscription in Node's `EventEmitter` shape. */
export interface ManagerEvents {
  /** Subscribes to one of the manager's events. */
  on<E extends keyof ManagerEventMap>(event: E, listener: (...args: ManagerEventMap[E]) => void): unknown;
  /** Removes a listener added with `on`. */
  off<E extends keyof ManagerEventMap>(event: E, listener: (...args: ManagerEventMap[E]) => void): unknown;
}

/**
 * What `healthRoutes`, `requireDependency` and `degradation` need from a `DependencyManager`
 * (the real class satisfies it). Kept narrow so the HTTP layer depends on behaviour, not on a class.
 */
export interface HealthSource extends StatusSource, ManagerEvents {
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
}

/** What `gracefulShutdown` needs from a `DependencyManager`. */
export interface DrainableManager {
  /** Readiness and `/healthcheck` fail from now on. */
  drain(): void;
  /** Clears timers, aborts runs, resolves when idle. */
  stop(): Promise<void>;
}
