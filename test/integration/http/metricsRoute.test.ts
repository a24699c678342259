import express from 'express';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import request from 'supertest';
import { metricsRoute } from '../../../middleware/metricsRoute';

function registryWithMetrics(): Registry {
  const registry = new Registry();
  new Counter({ name: 'app_orders_total', help: 'Orders', registers: [registry] }).inc(3);
  new Gauge({ name: 'app_queue_depth', help: 'Queue', registers: [registry] }).set(7);
  new Histogram({
    name: 'app_latency_seconds',
    help: 'Latency',
    buckets: [0.1, 1],
    registers: [registry],
  }).observe(0.5);
  return registry;
}

describe('metricsRoute', () => {
  it.each(['get', 'head'] as const)('%s /metrics answers the Prometheus text format', async (method) => {
    const app = express().use(metricsRoute(registryWithMetrics()));
    const res = await request(app)[method]('/metrics/?x=1').expect(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    if (method === 'get') {
      expect(res.text).toContain('# TYPE app_orders_total counter\napp_orders_total 3');
      expect(res.text).toContain('app_queue_depth 7');
      expect(res.text).toContain('app_latency_seconds_bucket{le="1"} 1');
    }
  });

  it('answers OpenMetrics when asked through Accept, and Prometheus text again afterwards', async () => {
    const app = express().use(metricsRoute(registryWithMetrics()));
    const open = await request(app)
      .get('/metrics')
      .set('Accept', 'application/openmetrics-text; version=1.0.0,text/plain;q=0.5')
      .expect(200);
    expect(open.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(open.text).toContain('# TYPE app_orders counter\napp_orders_total 3');
    expect(open.text).toContain('app_latency_seconds_bucket{le="1"} 1');
    expect(open.text.endsWith('# EOF\n')).toBe(true);
    // prom-client renames counters in place when it renders OpenMetrics; ours must not have
    const text = await request(app).get('/metrics').expect(200);
    expect(text.text).toContain('# TYPE app_orders_total counter\napp_orders_total 3');
  });

  it('uses the global registry by default', async () => {
    const app = express().use(metricsRoute());
    await request(app)
      .get('/metrics')
      .expect(200)
      .expect('Content-Type', /text\/plain/);
  });

  it('answers 500 without details when a collector throws', async () => {
    const registry = new Registry();
    new Gauge({
      name: 'app_broken',
      help: 'Broken',
      registers: [registry],
      collect() {
        throw new Error('redis://user:s3cret@host');
      },
    });
    const res = await request(express().use(metricsRoute(registry)))
      .get('/metrics')
      .expect(500);
    expect(res.text).toBe('metrics collection failed');
  });
});
