import { StatuskitError } from './StatuskitError';

/** Which breaker state refused the call. */
export type BrokenCircuitState = 'open' | 'half-open' | 'disposed';

/**
 * A circuit breaker refused a call without running it: the circuit is open, a half-open trial call
 * is already running, or the breaker was disposed. `cause` is the failure that opened the circuit,
 * when there was one.
 */
export class BrokenCircuitError extends StatuskitError {
  declare readonly code: 'ERR_STATUSKIT_BROKEN_CIRCUIT';
  /** The breaker's `name`. */
  readonly breaker: string;
  /** The state that refused the call. */
  readonly state: BrokenCircuitState;

  constructor(breaker: string, state: BrokenCircuitState, cause?: unknown) {
    const why =
      state === 'open'
        ? 'is open'
        : state === 'half-open'
          ? 'is half-open and its one trial call is running'
          : 'was disposed';
    super(`circuit "${breaker}" ${why}: the call was not made`, {
      code: 'ERR_STATUSKIT_BROKEN_CIRCUIT',
      cause,
    });
    this.name = 'BrokenCircuitError';
    this.breaker = breaker;
    this.state = state;
  }
}
