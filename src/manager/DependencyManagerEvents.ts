import type { CheckResult } from '../dependencies/CheckResult';
import type { Dependency } from '../dependencies/Dependency';
import type { CheckStatus } from '../status/CheckStatus';

/** Payload of the manager's `'changed'` event: one dependency's status moved. */
export interface DependencyChangedEvent {
  /** The dependency's id. */
  id: string;
  /** The previous status; `null` for the dependency's first result. */
  from: CheckStatus | null;
  /** The new status. */
  to: CheckStatus;
  /** The result that carried the change. */
  result: CheckResult;
}

/** Payload of the manager's `'systemChanged'` event: the aggregated status moved. */
export interface SystemChangedEvent {
  /** The system status before the change. */
  from: CheckStatus;
  /** The system status now. */
  to: CheckStatus;
}

/**
 * Every event a {@link DependencyManager} emits, with its listener arguments. A listener that
 * throws (or returns a rejected promise) is logged and harms nothing.
 */
export interface DependencyManagerEvents {
  /** After every stored result (each run, and when a result turns stale). */
  checked: [result: CheckResult];
  /** When a dependency's status differs from its previous one (and for its first result). */
  changed: [event: DependencyChangedEvent];
  /** When the aggregated system status changes. */
  systemChanged: [event: SystemChangedEvent];
  /** After `register()`. */
  added: [dependency: Dependency];
  /** After `unregister()`. */
  removed: [dependency: Dependency];
  /** Once the first round of checks started by `start()` has finished. */
  ready: [];
  /** When `drain()` is first called. */
  draining: [];
}

/** Names of the manager's events. */
export type DependencyManagerEventName = keyof DependencyManagerEvents;
