import type { SafeError } from '../redaction/redact';
import type { CheckStatus } from '../status/CheckStatus';
import type { Urgency } from '../status/Urgency';

/** The outcome of one dependency's latest run, as probes and reports show it. */
export interface CheckResult {
  id: string;
  /** Status after the grace rule and staleness limit; raw (not urgency-capped). */
  status: CheckStatus;
  message: string;
  description: string;
  urgency: Urgency;
  type: string;
  documentationUrl?: string;
  /** Epoch ms when the run started. */
  timestamp: number;
  durationMs: number;
  /** Epoch ms of the last run that returned OK; 0 if never. */
  lastKnownGoodTimestamp: number;
  consecutiveFailures: number;
  observedValue?: number;
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
  /** Epoch ms when the set was assembled. */
  timestamp: number;
  durationMs: number;
  /** The result with this id, if any. */
  get(id: string): CheckResult | undefined;
}
