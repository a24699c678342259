import { StatuskitError } from './StatuskitError';

/** A retried call failed on its last attempt. `cause` is the last error. */
export class RetryExhaustedError extends StatuskitError {
  declare readonly code: 'ERR_STATUSKIT_RETRY_EXHAUSTED';
  /** How many times the function was called. */
  readonly attempts: number;

  constructor(attempts: number, cause: unknown, name?: string) {
    super(`${name ? `"${name}" ` : ''}failed after ${attempts} attempt${attempts === 1 ? '' : 's'}`, {
      code: 'ERR_STATUSKIT_RETRY_EXHAUSTED',
      cause,
    });
    this.name = 'RetryExhaustedError';
    this.attempts = attempts;
  }
}
