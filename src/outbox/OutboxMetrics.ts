import type { Counter, Gauge, Registry } from 'prom-client';
import { METRICS } from '../metrics/METRICS';
import { counter, gauge } from '../metrics/registry';
import type { OutboxCounts } from './outboxHealthCheck';

/** How an event's delivery ended, as counted by `statuskit_outbox_events_total{outcome}`. */
export type OutboxOutcome = 'done' | 'retried' | 'manual_review';

/**
 * The outbox's metrics, labelled `name` (the Redis stream key, or the PostgreSQL table) so that
 * outboxes sharing a registry stay apart. Gauges are set from counts the outbox fetched anyway
 * (its background refresh while started, `healthCheck`, `recoverPending`), so a scrape never does
 * I/O and never hangs on the store.
 */
export class OutboxMetrics {
  private readonly pending: Gauge.Internal<string> | undefined;
  private readonly oldestAge: Gauge.Internal<string> | undefined;
  private readonly review: Gauge.Internal<string> | undefined;
  private readonly outcomes: Record<OutboxOutcome, Counter.Internal | undefined>;
  /** Last known counts; `undefined` until first fetched. */
  pendingCount: number | undefined;
  reviewCount: number | undefined;

  constructor(registry: Registry | undefined, name: string) {
    this.pending = registry && gauge(registry, METRICS.outboxPending).labels(name);
    this.oldestAge = registry && gauge(registry, METRICS.outboxOldestAge).labels(name);
    this.review = registry && gauge(registry, METRICS.outboxManualReview).labels(name);
    const events = registry && counter(registry, METRICS.outboxEvents);
    this.outcomes = {
      done: events?.labels(name, 'done'),
      retried: events?.labels(name, 'retried'),
      manual_review: events?.labels(name, 'manual_review'),
    };
  }

  /** Counts `n` events that ended with `outcome`. */
  count(outcome: OutboxOutcome, n = 1): void {
    if (n > 0) this.outcomes[outcome]?.inc(n);
  }

  /** Publishes freshly fetched counts. */
  setCounts(counts: OutboxCounts): void {
    this.pendingCount = counts.pending;
    this.pending?.set(counts.pending);
    this.oldestAge?.set((counts.oldestAgeMs ?? 0) / 1000);
    this.setReview(counts.review);
  }

  /** Publishes a freshly fetched manual-review count. */
  setReview(review: number): void {
    this.reviewCount = review;
    this.review?.set(review);
  }

  /** Adjusts the cached manual-review count after a park (+n) or requeue (−n). */
  adjustReview(delta: number): void {
    if (this.reviewCount === undefined) return;
    this.reviewCount = Math.max(0, this.reviewCount + delta);
    this.review?.set(this.reviewCount);
  }
}
