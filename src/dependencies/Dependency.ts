import type { CircuitBreaker } from '../breaker/CircuitBreaker';
import type { CheckStatus } from '../status/CheckStatus';
import type { Urgency } from '../status/Urgency';

/** What a check may return. Returning nothing means `OK`, message `'ok'`. */
export interface CheckOutcome {
  /** The status the check found. */
  status: CheckStatus;
  /** What the check found, in words; credentials in it are redacted. Default: the status in lower case, e.g. `'minor'`. */
  message?: string;
  /** A measured value shown in reports and the health+json document, e.g. a latency. */
  observedValue?: number;
  /** Unit of `observedValue`, e.g. `'ms'`, `'bytes'`. */
  observedUnit?: string;
}

/** Context handed to every check run. */
export interface CheckContext {
  /** Aborted when the run times out or the manager stops; pass it to your I/O. */
  signal: AbortSignal;
}

/** How a dependency is evaluated: on its own timer (`background`) or on every `evaluate()` (`live`). */
export type DependencyMode = 'background' | 'live';

/**
 * Something the service depends on, with a check of its health.
 *
 * @example
 * manager.register({
 *   id: 'postgres', urgency: 'REQUIRED', type: 'database', timeoutMs: 1000,
 *   async check({ signal }) { await pool.query({ text: 'select 1', signal }); },
 * });
 */
export interface Dependency {
  /** Unique id, matching `/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/`. */
  id: string;
  /** Human description shown in reports. */
  description?: string;
  /** How much the system needs it. @default 'UNKNOWN' (behaves as 'REQUIRED') */
  urgency?: Urgency;
  /** Kind of dependency, e.g. 'redis', 'http', 'tcp', 'database'. @default 'other' */
  type?: string;
  /** Link to a runbook shown in reports. */
  documentationUrl?: string;
  /** Bound on one run in ms; 0 = no timeout. @default 2000 */
  timeoutMs?: number;
  /** Delay between the end of one background run and the start of the next, in ms. @default 10000 */
  pingPeriodMs?: number;
  /** @default 'background' */
  mode?: DependencyMode;
  /** When it returns `false` the check is skipped and reports `OK`, message `'disabled'`. */
  toggle?: () => boolean;
  /** The check itself. Throwing, rejecting or timing out means `OUTAGE`. */
  check(ctx: CheckContext): CheckOutcome | void | Promise<CheckOutcome | void>;
  /**
   * A circuit breaker on the real calls to this dependency: the status becomes the worse of the
   * check's and the breaker's (closed OK, or MINOR after a recent failure; half-open MAJOR; open
   * OUTAGE), and follows every state change of the breaker at once. @default none
   */
  breaker?: CircuitBreaker;
}

/**
 * A dependency known from real traffic only: its circuit breaker is its health, no check runs
 * (the breaker's state is re-read on each change and every `pingPeriodMs`).
 *
 * @example
 * manager.register({ id: 'partner-api', urgency: 'WEAK', breaker: partnerBreaker });
 */
export type PassiveDependency = Omit<Dependency, 'check' | 'breaker'> & {
  breaker: CircuitBreaker;
  check?: Dependency['check'];
};

/** Every `Dependency` field except `check`: the options a built-in check factory accepts. */
export type DependencyOptions = Partial<Omit<Dependency, 'check'>>;

/** Valid dependency ids. */
export const DEPENDENCY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
