import type { Counter, Registry } from 'prom-client';
import { METRICS } from '../metrics/METRICS';
import { counter } from '../metrics/registry';
import type { FallbackTier } from './FallbackOptions';

/** A label of `statuskit_fallback_total{source}`: a tier, or `error` when the chain was exhausted. */
export type FallbackOutcome = FallbackTier | 'error';

/** The outcomes, in the order they are reported. */
export const OUTCOMES: readonly FallbackOutcome[] = ['cache', 'source', 'stale', 'stub', 'error'];

/** A counter cell: `inc()` is a field increment, nothing else. */
export class PendingCount {
  n = 0;
  inc(): void {
    this.n++;
  }
}

/** Cells of one chain name, one per outcome. */
export type OutcomeCounts = Readonly<Record<FallbackOutcome, { inc(): void }>>;

const NOOP = Object.freeze({ inc: (): void => undefined });
const NO_COUNTS: OutcomeCounts = Object.freeze({
  cache: NOOP,
  source: NOOP,
  stale: NOOP,
  stub: NOOP,
  error: NOOP,
});

/** Per prom-client counter: the pending cells of every chain name, flushed when the registry collects. */
const pendingByCounter = new WeakMap<Counter, Map<string, Record<FallbackOutcome, PendingCount>>>();

/**
 * The `statuskit_fallback_total` cells of chain `name` on `registry` (no-ops for `registry: false`).
 *
 * Why not prom-client's `labels().inc()` on the hot path: each call hashes and validates the label
 * set, which cost a third of a memory hit (`bench/peers/fallback.ts` measured it). Instead a hit bumps a plain field,
 * and the counts move into the prom-client counter when it is collected (a scrape, `metrics()`,
 * `getSingleMetric(...).get()`), so readers see exact totals. Chains sharing a name share cells,
 * so memory grows with distinct names (as prom-client's own series do), not with instances.
 */
export function fallbackCounts(registry: Registry | undefined, name: string): OutcomeCounts {
  if (registry === undefined) return NO_COUNTS;
  const c = counter(registry, METRICS.fallback);
  let byName = pendingByCounter.get(c);
  if (byName === undefined) {
    byName = new Map();
    pendingByCounter.set(c, byName);
    installFlush(c, byName);
  }
  let cells = byName.get(name);
  if (cells === undefined) {
    cells = {} as Record<FallbackOutcome, PendingCount>;
    for (const o of OUTCOMES) {
      c.inc({ name, source: o }, 0); // every series exists from the start, so rate() sees the first event
      cells[o] = new PendingCount();
    }
    byName.set(name, cells);
  }
  return cells;
}

function installFlush(c: Counter, byName: Map<string, Record<FallbackOutcome, PendingCount>>): void {
  const metric = c as unknown as { collect?: () => unknown };
  const previous = metric.collect;
  metric.collect = function collectFallbackCounts(this: unknown): unknown {
    for (const [name, cells] of byName) {
      for (const o of OUTCOMES) {
        const cell = cells[o];
        if (cell.n === 0) continue;
        c.inc({ name, source: o }, cell.n);
        cell.n = 0;
      }
    }
    return previous?.call(this);
  };
}
