import type { Registry } from 'prom-client';
import { METRICS } from '../metrics/names';
import { counter, gauge } from '../metrics/registry';

/** A breaker's state. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** How one call through a breaker ended, as counted by `statuskit_breaker_calls_total`. */
export type BreakerOutcome = 'success' | 'failure' | 'rejected';

/** `statuskit_breaker_state` encoding. */
export const STATE_GAUGE_VALUE: Readonly<Record<CircuitState, number>> = Object.freeze({
  closed: 0,
  'half-open': 1,
  open: 2,
});

interface Inc {
  inc(): void;
}
const NOOP: Inc = { inc: () => undefined };

/**
 * One breaker's metrics, with the labelled children resolved once so a call costs one increment.
 * `registry: false` gives no-op counters and no gauge.
 */
export class BreakerMetrics {
  readonly success: Inc;
  readonly failure: Inc;
  readonly rejected: Inc;
  private readonly setState: (state: CircuitState) => void;

  constructor(name: string, registry: Registry | undefined) {
    if (registry === undefined) {
      this.success = this.failure = this.rejected = NOOP;
      this.setState = () => undefined;
      return;
    }
    const calls = counter(registry, METRICS.breakerCalls);
    this.success = calls.labels(name, 'success');
    this.failure = calls.labels(name, 'failure');
    this.rejected = calls.labels(name, 'rejected');
    const state = gauge(registry, METRICS.breakerState).labels(name);
    this.setState = (s) => state.set(STATE_GAUGE_VALUE[s]);
  }

  /** Publishes the breaker's state. */
  state(state: CircuitState): void {
    this.setState(state);
  }
}
