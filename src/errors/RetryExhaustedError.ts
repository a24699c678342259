import { StatuskitError } from './StatuskitError';

/** Why a retried call stopped early: the server asked for a wait longer than `maxRetryAfterMs`. */
export interface RetryAfterRefusal {
  /** The wait the server asked for, in ms. */
  retryAfterMs: number;
  /** The longest wait the call would honour, in ms. */
  maxRetryAfterMs: number;
}

/**
 * A retried call failed on its last attempt, or the server asked to wait longer than
 * `maxRetryAfterMs` (then `retryAfterMs` is set). `cause` is the last error.
 */
export class RetryExhaustedError extends StatuskitError {
  declare readonly code: 'ERR_STATUSKIT_RETRY_EXHAUSTED';
  /** How many times the function was called. */
  readonly attempts: number;
  /** The wait the server asked for, in ms, when that is why retrying stopped; else `undefined`. */
  readonly retryAfterMs: number | undefined;

  constructor(attempts: number, cause: unknown, name?: string, refusal?: RetryAfterRefusal) {
    const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
    const why = refusal
      ? `: the server asked to retry after ${Math.round(refusal.retryAfterMs)} ms, more than maxRetryAfterMs (${refusal.maxRetryAfterMs} ms)`
      : '';
    super(`${name ? `"${name}" ` : ''}failed after ${tries}${why}`, {
      code: 'ERR_STATUSKIT_RETRY_EXHAUSTED',
      cause,
    });
    this.name = 'RetryExhaustedError';
    this.attempts = attempts;
    this.retryAfterMs = refusal?.retryAfterMs;
  }
}
