import express, { type Express } from 'express';
import { Registry } from 'prom-client';
import request from 'supertest';
import { healthRoutes } from '../../../middleware/health/healthRoutes';
import { metricsRoute } from '../../../middleware/metricsRoute';
import { defaultShortCircuitExclude, shortCircuit } from '../../../middleware/shortCircuit';
import { DependencyManager } from '../../../src/manager/DependencyManager';
import { ControlledCheck } from '../../support/ControlledCheck';

let manager: DependencyManager;
let db: ControlledCheck;
let registry: Registry;
let handled: number;

function app(opts: Parameters<typeof shortCircuit>[1] = {}): Express {
  const a = express();
  a.use(healthRoutes(manager));
  a.use(metricsRoute(registry));
  a.use(shortCircuit(manager, { registry, ...opts }));
  a.get('/api/orders', (_req, res) => {
    handled++;
    res.json({ orders: [] });
  });
  a.post('/api/orders', (_req, res) => {
    handled++;
    res.status(201).json({ ok: true });
  });
  return a;
}

async function setDb(status: 'OK' | 'OUTAGE'): Promise<void> {
  db.status = status;
  await manager.evaluate();
}

beforeEach(async () => {
  registry = new Registry();
  manager = new DependencyManager({ registry });
  db = new ControlledCheck({ id: 'db', urgency: 'REQUIRED', mode: 'live' });
  manager.register(db.dependency);
  await manager.start();
  handled = 0;
});

afterEach(async () => {
  await manager.stop();
});

async function shortCircuited(): Promise<number> {
  const metric = await registry.getSingleMetric('statuskit_short_circuited_requests_total')!.get();
  return metric.values[0]?.value ?? 0;
}

describe('shortCircuit', () => {
  it('calls the route while the system is not in OUTAGE', async () => {
    const a = app();
    await request(a).get('/api/orders').expect(200, { orders: [] });
    expect(handled).toBe(1);
  });

  it.each(['get', 'head', 'post'] as const)(
    'while OUTAGE, %s answers 500 with Retry-After and the documented body without calling the route',
    async (method) => {
      const a = app();
      await setDb('OUTAGE');
      const res = await request(a)[method]('/api/orders').expect(500);
      expect(handled).toBe(0);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      if (method !== 'head') expect(res.body).toEqual({ error: 'service_unavailable', condition: 'OUTAGE' });
      expect(await shortCircuited()).toBe(1);
    },
  );

  it('lets the health routes and /metrics through while OUTAGE, so probes see the truth', async () => {
    const a = app();
    await setDb('OUTAGE');
    await request(a).get('/healthcheck').expect(503);
    await request(a).head('/healthcheck/').expect(503);
    await request(a).get('/healthcheck/details?x=1').expect(503);
    await request(a).get('/healthcheck/db').expect(503);
    await request(a).get('/livez').expect(200, 'ok');
    await request(a).get('/readyz').expect(503);
    const metrics = await request(a).get('/metrics').expect(200);
    expect(metrics.text).toContain('statuskit_system_status 3');
    expect(await shortCircuited()).toBe(0);
  });

  it('mounted before the health routes and /metrics, still lets them through by default', async () => {
    const a = express();
    a.use(shortCircuit(manager, { registry }));
    a.use(healthRoutes(manager));
    a.use(metricsRoute(registry));
    await setDb('OUTAGE');
    for (const path of [
      '/healthcheck',
      '/healthcheck/',
      '/healthcheck/details',
      '/HEALTHCHECK/db',
      '/readyz/',
    ]) {
      await request(a).get(path).expect(503);
    }
    await request(a).get('/livez?probe=1').expect(200);
    await request(a).get('/metrics').expect(200);
    await request(a).get('/healthcheckx').expect(500);
    await request(a).get('/metrics/x').expect(500);
    expect(await shortCircuited()).toBe(2);
  });

  it('lets the health routes and /metrics through wherever they are mounted', async () => {
    const a = express();
    a.use('/ops', healthRoutes(manager));
    a.use('/ops', metricsRoute(registry));
    a.use(shortCircuit(manager, { registry }));
    a.get('/ops/orders', (_req, res) => {
      handled++;
      res.json({ orders: [] });
    });
    await setDb('OUTAGE');
    await request(a).get('/ops/livez').expect(200, 'ok');
    await request(a).head('/ops/livez/').expect(200);
    await request(a).get('/ops/readyz').expect(503);
    await request(a).get('/ops/healthcheck').expect(503);
    await request(a).get('/ops/healthcheck/details').expect(503);
    await request(a).get('/OPS/HealthCheck/db?x=1').expect(503);
    await request(a).get('/ops/metrics').expect(200);
    await request(a).get('/ops/startupz').expect(200); // passed through to healthRoutes
    expect(await shortCircuited()).toBe(0);
    await request(a).get('/ops/orders').expect(500);
    await request(a).get('/ops/livez/now').expect(500);
    await request(a).get('/ops/healthcheck/db/more').expect(500);
    await request(a).get('/ops/xlivez').expect(500);
    expect(handled).toBe(0);
    expect(await shortCircuited()).toBe(4);
  });

  it('mounted under a prefix itself, still lets the health routes through', async () => {
    const a = express();
    a.use('/ops', shortCircuit(manager, { registry }));
    a.use('/ops', healthRoutes(manager));
    await setDb('OUTAGE');
    await request(a).get('/ops/livez').expect(200);
    await request(a).get('/ops/healthcheck/details').expect(503);
    await request(a).get('/ops/orders').expect(500);
    expect(await shortCircuited()).toBe(1);
  });

  it('recovers without a restart once the system leaves OUTAGE', async () => {
    const a = app();
    await setDb('OUTAGE');
    await request(a).get('/api/orders').expect(500);
    await setDb('OK');
    await request(a).get('/api/orders').expect(200);
    expect(handled).toBe(1);
  });

  it('honours statusCode, retryAfterSeconds and an exclude list', async () => {
    const a = app({ statusCode: 503, retryAfterSeconds: 30, exclude: ['/api/orders'] });
    await setDb('OUTAGE');
    await request(a).get('/api/orders/').expect(200);
    await request(a).get('/API/Orders/42').expect(404); // beneath an excluded path, case-insensitive
    const res = await request(a).get('/api/customers').expect(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(handled).toBe(1);
  });

  it('extends the exported default predicate', async () => {
    const a = app({
      exclude: (req) => defaultShortCircuitExclude(req) || req.path.startsWith('/api/orders'),
    });
    await setDb('OUTAGE');
    await request(a).get('/api/orders').expect(200);
    await request(a).get('/readyz').expect(503, 'not ready: OUTAGE');
  });

  it('failOpen passes every request through', async () => {
    const a = app({ failOpen: true });
    await setDb('OUTAGE');
    await request(a).get('/api/orders').expect(200);
    expect(await shortCircuited()).toBe(0);
  });

  it('passes an exclude predicate that throws to the error handler, not to the route', async () => {
    const a = app({
      exclude: () => {
        throw new Error('boom');
      },
    });
    a.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(599).send('handled');
    });
    await setDb('OUTAGE');
    await request(a).get('/api/orders').expect(599);
    expect(handled).toBe(0);
  });
});
