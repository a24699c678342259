import { StatuskitError } from './StatuskitError';

/** An operation of ours (a check, a source, a Redis command) did not finish within its bound. */
export class TimeoutError extends StatuskitError {
  declare readonly code: 'ERR_STATUSKIT_TIMEOUT';
  /** The bound that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number) {
    super(`${what} timed out after ${timeoutMs} ms`, { code: 'ERR_STATUSKIT_TIMEOUT' });
    this.name = 'TimeoutError';
    this.timeoutMs = timeoutMs;
  }
}
