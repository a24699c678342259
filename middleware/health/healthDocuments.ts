import type { CheckResult, CheckResultSet } from '../../src/dependencies/CheckResult';
import type { StatusChange } from '../../src/manager/StatusHistory';
import { redact, redactSafeError } from '../../src/redaction/redact';
import { CheckStatus } from '../../src/status/CheckStatus';

/** `dcStatus` of the load balancer's body: `'FAILOVER'` exactly when the answer is not 2xx. */
export type DcStatus = 'ONLINE' | 'FAILOVER';

/** The load balancer's `/healthcheck` body (Indeed Status's summary). */
export interface HealthSummary {
  /** The host that answered (`os.hostname()` unless configured). */
  hostname: string;
  /** Milliseconds the evaluation behind this answer took. */
  duration: number;
  /** The system status (urgency-capped worst of every dependency). */
  condition: CheckStatus;
  /** `'ONLINE'`, or `'FAILOVER'` exactly when the HTTP code is not 2xx. */
  dcStatus: DcStatus;
}

/**
 * One dependency's result as every view renders it: the same shape as {@link CheckResult}, with
 * every text field redacted and the error stack-free (see `viewResult`), plus its recent changes.
 */
export interface ResultView extends CheckResult {
  /** The dependency's recent status changes, newest first, messages redacted (when the source keeps them). */
  history?: StatusChange[];
}

/** The detailed report of `/healthcheck/details` and `/healthcheck/live`. */
export interface DetailedReport extends HealthSummary {
  /** The application name. */
  appname: string;
  /** Start time (epoch ms) of the oldest result shown; 0 with no results. */
  leastRecentlyExecutedTimestamp: number;
  /** Epoch ms when the system entered `condition` (when the source reports it). */
  since?: number;
  /** The system's recent status changes, newest first, messages redacted (when the source keeps them). */
  history?: StatusChange[];
  /** Results grouped by status, keys in order OUTAGE, MAJOR, MINOR, OK, only non-empty, each sorted by id. */
  results: Partial<Record<CheckStatus, ResultView[]>>;
}

/** Recent status changes by id (`undefined`: the system's), as a source such as the manager keeps them. */
export type HistoryReader = (id?: string) => readonly StatusChange[];

/** Where a summary is rendered and how its status maps to an HTTP code. */
export interface SummaryContext {
  hostname: string;
  appName: string;
  draining: boolean;
  /** The HTTP status code the answer carries. */
  statusCode: number;
  /** Where the recent changes come from; absent: the report carries none. */
  history?: HistoryReader;
}

/** `'FAILOVER'` exactly when `statusCode` is not 2xx. */
export function dcStatusFor(statusCode: number): DcStatus {
  return statusCode >= 200 && statusCode < 300 ? 'ONLINE' : 'FAILOVER';
}

/** The load balancer's body for `set`. */
export function buildSummary(set: CheckResultSet, ctx: SummaryContext): HealthSummary {
  return {
    hostname: ctx.hostname,
    duration: set.durationMs,
    condition: set.systemStatus,
    dcStatus: dcStatusFor(ctx.statusCode),
  };
}

/** Changes as a view shows them: copies with the message redacted again, as every view's text is. */
export function viewHistory(changes: readonly StatusChange[]): StatusChange[] {
  return changes.map((c) => ({
    id: c.id,
    from: c.from,
    to: c.to,
    at: c.at,
    message: redact(String(c.message)),
  }));
}

/** `read(id)`, or none when the source forgot the id between the snapshot and now (a removal). */
function historyOf(read: HistoryReader, id?: string): StatusChange[] {
  try {
    return viewHistory(read(id));
  } catch {
    return [];
  }
}

/**
 * One result as every view shows it. Every text field goes through `redact` again: a check's own
 * `message` may carry a connection string, and no view may show its credentials. With `history`,
 * the dependency's recent changes are added.
 */
export function viewResult(r: CheckResult, history?: HistoryReader): ResultView {
  const v: ResultView = {
    id: r.id,
    status: r.status,
    message: redact(String(r.message)),
    description: redact(String(r.description ?? '')),
    urgency: r.urgency,
    type: redact(String(r.type)),
    timestamp: r.timestamp,
    durationMs: r.durationMs,
    lastKnownGoodTimestamp: r.lastKnownGoodTimestamp,
    consecutiveFailures: r.consecutiveFailures,
  };
  if (r.since !== undefined) v.since = r.since;
  if (r.documentationUrl !== undefined) v.documentationUrl = redact(r.documentationUrl);
  if (r.observedValue !== undefined) v.observedValue = r.observedValue;
  if (r.observedUnit !== undefined) v.observedUnit = redact(r.observedUnit);
  if (r.error !== undefined) v.error = redactSafeError(r.error);
  if (history !== undefined) v.history = historyOf(history, r.id);
  return v;
}

/** Results grouped by status (worst first, only non-empty groups), each group sorted by id. */
export function groupByStatus(
  results: readonly CheckResult[],
  history?: HistoryReader,
): Partial<Record<CheckStatus, ResultView[]>> {
  const sorted = [...results].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const groups: Partial<Record<CheckStatus, ResultView[]>> = {};
  for (const status of CheckStatus.values) {
    const list = sorted.filter((r) => r.status === status).map((r) => viewResult(r, history));
    if (list.length > 0) groups[status] = list;
  }
  return groups;
}

/** The detailed report for `set`. */
export function buildDetailedReport(set: CheckResultSet, ctx: SummaryContext): DetailedReport {
  let least = 0;
  for (const r of set.results) if (least === 0 || r.timestamp < least) least = r.timestamp;
  return {
    ...buildSummary(set, ctx),
    appname: ctx.appName,
    leastRecentlyExecutedTimestamp: least,
    ...(set.since === undefined ? {} : { since: set.since }),
    ...(ctx.history === undefined ? {} : { history: historyOf(ctx.history) }),
    results: groupByStatus(set.results, ctx.history),
  };
}
