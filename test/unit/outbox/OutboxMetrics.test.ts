import { Registry } from 'prom-client';
import { OutboxMetrics } from '../../../src/outbox/OutboxMetrics';

describe('OutboxMetrics', () => {
  it('counts outcomes and publishes the counts it is given', async () => {
    const registry = new Registry();
    const m = new OutboxMetrics(registry);
    m.count('done', 3);
    m.count('retried');
    m.count('manual_review');
    m.setCounts({ pending: 5, review: 1, oldestAgeMs: 2500 });
    m.adjustReview(1);
    const text = await registry.metrics();
    expect(text).toContain('statuskit_outbox_events_total{outcome="done"} 3');
    expect(text).toContain('statuskit_outbox_events_total{outcome="retried"} 1');
    expect(text).toContain('statuskit_outbox_events_total{outcome="manual_review"} 1');
    expect(text).toContain('statuskit_outbox_pending 5');
    expect(text).toContain('statuskit_outbox_manual_review 2');
    expect(text).toContain('statuskit_outbox_oldest_age_seconds 2.5');
  });

  it('shares one set of metrics between outboxes on one registry', () => {
    const registry = new Registry();
    new OutboxMetrics(registry);
    expect(() => new OutboxMetrics(registry)).not.toThrow();
    expect(registry.getMetricsAsArray()).toHaveLength(4);
  });

  it('registers nothing and still works with no registry', () => {
    const m = new OutboxMetrics(undefined);
    m.count('done');
    m.setCounts({ pending: 1, review: 1, oldestAgeMs: undefined });
    m.adjustReview(-5);
    expect(m.reviewCount).toBe(0);
  });
});
