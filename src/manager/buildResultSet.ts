import type { CheckResult, CheckResultSet } from '../dependencies/CheckResult';
import type { CheckStatus } from '../status/CheckStatus';

function byId(a: CheckResult, b: CheckResult): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * A frozen {@link CheckResultSet} over `results` (sorted here by id, code-unit order) with an O(1)
 * `get(id)`; `since` is when the system entered `systemStatus`.
 */
export function buildResultSet(
  results: Iterable<CheckResult>,
  systemStatus: CheckStatus,
  timestamp: number,
  durationMs: number,
  since?: number,
): CheckResultSet {
  const sorted = Object.freeze([...results].sort(byId));
  let index: Map<string, CheckResult> | undefined;
  return Object.freeze({
    systemStatus,
    ...(since === undefined ? {} : { since }),
    results: sorted,
    timestamp,
    durationMs,
    get(id: string): CheckResult | undefined {
      index ??= new Map(sorted.map((r) => [r.id, r]));
      return index.get(id);
    },
  });
}

/** The same set with another `durationMs` (results shared, not copied). */
export function withDuration(set: CheckResultSet, durationMs: number): CheckResultSet {
  return Object.freeze({
    systemStatus: set.systemStatus,
    ...(set.since === undefined ? {} : { since: set.since }),
    results: set.results,
    timestamp: set.timestamp,
    durationMs,
    get: (id: string) => set.get(id),
  });
}
