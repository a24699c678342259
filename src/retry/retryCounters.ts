import type { Registry } from 'prom-client';
import { METRICS } from '../metrics/METRICS';
import { counter } from '../metrics/registry';

/** What happened to one attempt (the `outcome` label of `statuskit_retry_attempts_total`). */
export type RetryOutcome = 'success' | 'retry' | 'exhausted' | 'budget';

/** One pre-bound counter child per outcome, so counting an attempt is a single `inc()`. */
export type RetryCounters = Readonly<Record<RetryOutcome, { inc(): void }>>;

const NOOP = { inc(): void {} };
/** Counters for `registry: false`. */
export const NO_RETRY_COUNTERS: RetryCounters = Object.freeze({
  success: NOOP,
  retry: NOOP,
  exhausted: NOOP,
  budget: NOOP,
});

/** Per registry, per `name` label: `retry()` is called per request, so children are built once. */
interface CacheEntry {
  metric: unknown;
  counters: RetryCounters;
}
const cache = new WeakMap<Registry, Map<string, CacheEntry>>();

/** The `statuskit_retry_attempts_total{name}` children for `registry`, created on first use. */
export function retryCounters(registry: Registry | undefined, name: string): RetryCounters {
  if (!registry) return NO_RETRY_COUNTERS;
  let byName = cache.get(registry);
  if (!byName) cache.set(registry, (byName = new Map<string, CacheEntry>()));
  const c = counter(registry, METRICS.retryAttempts);
  const hit = byName.get(name);
  // Compare identity: the registry may have been `clear()`ed and the counter re-created since.
  if (hit?.metric === c) return hit.counters;
  const counters = Object.freeze({
    success: c.labels({ name, outcome: 'success' }),
    retry: c.labels({ name, outcome: 'retry' }),
    exhausted: c.labels({ name, outcome: 'exhausted' }),
    budget: c.labels({ name, outcome: 'budget' }),
  });
  byName.set(name, { metric: c, counters });
  return counters;
}
