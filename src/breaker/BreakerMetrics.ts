import type { Counter, Registry } from 'prom-client';
import { METRICS } from '../metrics/METRICS';
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

/** The breakers publishing into each registry, flushed by the shared counter's `collect`. */
const publishers = new WeakMap<Registry, Set<BreakerMetrics>>();

function callsCounter(registry: Registry): { calls: Counter; members: Set<BreakerMetrics> } {
  let members = publishers.get(registry);
  if (members === undefined) {
    const set = new Set<BreakerMetrics>();
    members = set;
    publishers.set(registry, set);
  }
  const all = members;
  const calls = counter(registry, METRICS.breakerCalls, () => all.forEach((m) => m.flush()));
  return { calls, members: all };
}

/**
 * One breaker's metrics. Calls are counted in plain fields and handed to prom-client when the
 * registry is scraped: a labelled `inc()` costs more than the whole breaker does on a call, and
 * `execute` sits on the request path. `registry: false` counts nothing and publishes nothing.
 */
export class BreakerMetrics {
  /** Calls not yet published, by outcome. */
  success = 0;
  failure = 0;
  rejected = 0;
  private readonly calls: Counter | undefined;
  private readonly members: Set<BreakerMetrics> | undefined;
  private readonly setState: (state: CircuitState) => void;

  constructor(
    private readonly name: string,
    registry: Registry | undefined,
  ) {
    if (registry === undefined) {
      this.setState = () => undefined;
      return;
    }
    const { calls, members } = callsCounter(registry);
    this.calls = calls;
    this.members = members;
    members.add(this);
    for (const outcome of ['success', 'failure', 'rejected'] as const) calls.inc({ name, outcome }, 0);
    const state = gauge(registry, METRICS.breakerState).labels(name);
    this.setState = (s) => state.set(STATE_GAUGE_VALUE[s]);
  }

  /** Publishes the breaker's state. */
  state(state: CircuitState): void {
    this.setState(state);
  }

  /** Hands the calls counted since the last scrape to prom-client. */
  flush(): void {
    const calls = this.calls;
    if (calls === undefined) return;
    for (const outcome of ['success', 'failure', 'rejected'] as const) {
      const n = this[outcome];
      if (n === 0) continue;
      this[outcome] = 0;
      calls.inc({ name: this.name, outcome }, n);
    }
  }

  /** Publishes what is left and stops publishing (the breaker was disposed). */
  close(): void {
    this.flush();
    this.members?.delete(this);
  }
}
