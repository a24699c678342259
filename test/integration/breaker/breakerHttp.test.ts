import express from 'express';
import { Registry } from 'prom-client';
import request from 'supertest';
import { cachedRoute, healthRoutes, metricsRoute } from '../../../middleware';
import { CircuitBreaker, DependencyManager, MemoryCache } from '../../../src';

const partnerDown = (): Promise<never> => Promise.reject(new Error('partner 502'));

function service() {
  const registry = new Registry();
  const breaker = new CircuitBreaker({
    name: 'partner',
    trip: { consecutive: 3 },
    halfOpenAfterMs: 60_000,
    registry,
  });
  const manager = new DependencyManager({ appName: 'shop', registry });
  manager.register({ id: 'partner-api', urgency: 'WEAK', type: 'http', breaker });
  const partner = { calls: 0, up: true };
  const app = express();
  app.use(healthRoutes(manager));
  app.get('/metrics', metricsRoute(registry));
  app.get(
    '/prices/:id',
    cachedRoute({
      name: 'prices',
      cache: new MemoryCache(),
      key: (req) => String(req.params.id),
      ttlMs: 0,
      staleTtlMs: 60_000,
    }),
    async (req, res) => {
      const price = await breaker.execute(() => {
        partner.calls++;
        return partner.up ? Promise.resolve({ id: req.params.id, price: 42 }) : partnerDown();
      });
      res.json(price);
    },
  );
  return { app, manager, breaker, partner };
}

let svc: ReturnType<typeof service>;
afterEach(async () => {
  await svc.manager.stop();
  svc.breaker.dispose();
});

describe('a partner API behind a breaker, seen over HTTP', () => {
  it('once open: the route serves stale without calling the partner, and health shows the open circuit', async () => {
    svc = service();
    await svc.manager.start();
    await request(svc.app).get('/prices/1').expect(200).expect('x-statuskit-source', 'origin');
    svc.partner.up = false;
    for (let i = 0; i < 3; i++) {
      await request(svc.app).get('/prices/1').expect(200).expect('x-statuskit-source', 'stale');
    }
    expect(svc.breaker.state).toBe('open');
    const callsWhenOpened = svc.partner.calls;
    const res = await request(svc.app).get('/prices/1').expect(200).expect('x-statuskit-source', 'stale');
    expect(res.body).toEqual({ id: '1', price: 42 });
    expect(svc.partner.calls).toBe(callsWhenOpened);

    // WEAK: the service is degraded, not out; the load balancer keeps sending traffic.
    const lb = await request(svc.app).get('/healthcheck').expect(200);
    expect(lb.body).toMatchObject({ condition: 'MINOR', dcStatus: 'ONLINE' });
    const one = await request(svc.app).get('/healthcheck/partner-api').expect(503);
    // The raw result (not urgency-capped): this one dependency is out.
    expect(one.body).toMatchObject({
      id: 'partner-api',
      status: 'OUTAGE',
      urgency: 'WEAK',
      consecutiveFailures: 3,
    });
    expect(one.body.message).toMatch(
      /^circuit open since [0-9T:.-]+Z, 3 failures of 4 calls in the last 10 s$/,
    );

    const metrics = await request(svc.app).get('/metrics').expect(200);
    expect(metrics.text).toContain('statuskit_breaker_state{name="partner"} 2');
    expect(metrics.text).toContain('statuskit_breaker_calls_total{name="partner",outcome="rejected"} 1');
    expect(metrics.text).toContain('statuskit_dependency_status{dependency="partner-api",urgency="WEAK"} 3');
  });
});
