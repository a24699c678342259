import type { CheckResult } from '../src/dependencies/CheckResult';
import type { CheckStatus } from '../src/status/CheckStatus';
import type { HealthSource } from './managerView';

/** The manager's surface `degradation` reads: the snapshot, the status events and the system status. */
export type StatusTrackerSource = Pick<HealthSource, 'snapshot' | 'on' | 'systemStatus'>;

/**
 * Each dependency's latest status, kept current from the manager's `'checked'` and `'removed'`
 * events so a per-request lookup is one `Map.get` (no snapshot is built on the request path).
 * One tracker per manager, shared by every `requireDependency` and `degradation` on it.
 */
export class DependencyStatuses {
  private readonly statuses = new Map<string, CheckStatus>();

  private constructor(readonly manager: StatusTrackerSource) {
    for (const r of manager.snapshot().results) this.statuses.set(r.id, r.status);
    manager.on('checked', (r: CheckResult) => {
      this.statuses.set(r.id, r.status);
    });
    manager.on('removed', (dep: { id: string }) => {
      this.statuses.delete(dep.id);
    });
  }

  private static readonly byManager = new WeakMap<object, DependencyStatuses>();

  /** The tracker of `manager`, created on first use. */
  static of(manager: StatusTrackerSource): DependencyStatuses {
    let tracker = DependencyStatuses.byManager.get(manager);
    if (tracker === undefined) {
      tracker = new DependencyStatuses(manager);
      DependencyStatuses.byManager.set(manager, tracker);
    }
    return tracker;
  }

  /** The dependency's latest status; `undefined` until it has a result (or when unknown). */
  get(id: string): CheckStatus | undefined {
    return this.statuses.get(id);
  }
}
