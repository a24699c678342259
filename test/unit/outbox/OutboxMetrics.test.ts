import { Registry } from 'prom-client';
import { OutboxMetrics } from '../../../src/outbox/OutboxMetrics';

describe('OutboxMetrics', () => {
  it('counts outcomes and publishes the counts it is given', async () => {
    const registry = new Registry();
    const m = new OutboxMetrics(registry, 'orders');
    m.count('done', 3);
    m.count('retried');
    m.count('manual_review');
    m.setCounts({ pending: 5, review: 1, oldestAgeMs: 2500 });
    m.adjustReview(1);
    const text = await registry.metrics();
    expect(text).toContain('statuskit_outbox_events_total{name="orders",outcome="done"} 3');
    expect(text).toContain('statuskit_outbox_events_total{name="orders",outcome="retried"} 1');
    expect(text).toContain('statuskit_outbox_events_total{name="orders",outcome="manual_review"} 1');
    expect(text).toContain('statuskit_outbox_pending{name="orders"} 5');
    expect(text).toContain('statuskit_outbox_manual_review{name="orders"} 2');
    expect(text).toContain('statuskit_outbox_oldest_age_seconds{name="orders"} 2.5');
  });

  it('shares one set of metrics between outboxes on one registry', () => {
    const registry = new Registry();
    new OutboxMetrics(registry, 'orders');
    expect(() => new OutboxMetrics(registry, 'orders')).not.toThrow();
    expect(registry.getMetricsAsArray()).toHaveLength(4);
  });

  it('tells outboxes on one registry apart by their name label', async () => {
    const registry = new Registry();
    new OutboxMetrics(registry, 'a').setCounts({ pending: 1, review: 0, oldestAgeMs: undefined });
    new OutboxMetrics(registry, 'b').setCounts({ pending: 7, review: 0, oldestAgeMs: undefined });
    const text = await registry.metrics();
    expect(text).toContain('statuskit_outbox_pending{name="a"} 1');
    expect(text).toContain('statuskit_outbox_pending{name="b"} 7');
  });

  it('registers nothing and still works with no registry', () => {
    const m = new OutboxMetrics(undefined, 'orders');
    m.count('done');
    m.setCounts({ pending: 1, review: 1, oldestAgeMs: undefined });
    m.adjustReview(-5);
    expect(m.reviewCount).toBe(0);
  });
});
