import type { CheckOutcome, Dependency } from '../../../src/dependencies/Dependency';
import { DependencyManager } from '../../../src/manager/DependencyManager';
import type { DependencyManagerOptions } from '../../../src/manager/DependencyManagerOptions';
import type { CheckStatus } from '../../../src/status/CheckStatus';
import type { Urgency } from '../../../src/status/Urgency';

/** Managers made by {@link newManager}, stopped by {@link stopAll} in `afterEach`. */
const made: DependencyManager[] = [];

/** A manager with no metrics (unless asked) and short defaults, tracked for cleanup. */
export function newManager(opts: DependencyManagerOptions = {}): DependencyManager {
  const m = new DependencyManager({ registry: false, ...opts });
  made.push(m);
  return m;
}

/** Stops every manager made by {@link newManager}. */
export async function stopAll(): Promise<void> {
  await Promise.all(made.splice(0).map((m) => m.stop()));
}

/** A dependency that always reports `status`. */
export function fixed(
  id: string,
  status: CheckStatus,
  urgency?: Urgency,
  extra: Partial<Dependency> = {},
): Dependency {
  return { id, urgency, ...extra, check: (): CheckOutcome => ({ status }) };
}
