import type { SafeError } from '../redaction/redact';
import type { CheckStatus } from '../status/CheckStatus';
import type { Urgency } from '../status/Urgency';

/** The outcome of one dependency's latest run, as probes and reports show it. */
export interface CheckResult {
  /** The dependency's id. */
  id: string;
  /** Status after the grace rule and staleness limit; raw (not urgency-capped). */
  status: CheckStatus;
  /** What the check found, in words (`'ok'`, `'Timed out prior to completion'`, …), redacted. */
  message: string;
  /** The dependency's description; `''` when it has none. */
  description: string;
  /** The dependency's urgency. */
  urgency: Urgency;
  /** The dependency's kind, e.g. `'database'`, `'redis'`, `'http'`; `'other'` by default. */
  type: string;
  /** The dependency's runbook link, when it has one. */
  documentationUrl?: string;
  /** Epoch ms when the run started. */
  timestamp: number;
  /** How long the run took, in ms. */
  durationMs: number;
  /** Epoch ms of the last run that returned OK; 0 if never. */
  lastKnownGoodTimestamp: number;
  /**
   * Epoch ms when the dependency entered `status` (the manager's clock when the first result with
   * this status was stored); a result repeating the previous status keeps it. Set on every result
   * the manager stores.
   */
  since?: number;
  /** Failed runs in a row up to this one; 0 after a success. */
  consecutiveFailures: number;
  /** The check's measured value, e.g. a latency. */
  observedValue?: number;
  /** Unit of `observedValue`, e.g. `'ms'`. */
  observedUnit?: string;
  /** What was thrown, redacted and without a stack. */
  error?: SafeError;
}

/** Every dependency's latest result and the aggregated status. */
export interface CheckResultSet {
  /** Worst urgency-capped contribution over all results; `'OK'` with none. */
  systemStatus: CheckStatus;
  /** Sorted by id. */
  results: readonly CheckResult[];
  /** Epoch ms when the system entered `systemStatus` (the manager's creation while it never moved). */
  since?: number;
  /** Epoch ms when the set was assembled. */
  timestamp: number;
  /** How long `evaluate()` took, in ms; 0 for `snapshot()`. */
  durationMs: number;
  /** The result with this id, if any. */
  get(id: string): CheckResult | undefined;
}
