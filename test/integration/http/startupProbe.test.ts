import http from 'node:http';
import express from 'express';
import request from 'supertest';
import { healthRoutes } from '../../../middleware/health/healthRoutes';
import { serveProbesFirst } from '../../../middleware/health/serveProbesFirst';
import { shortCircuit } from '../../../middleware/shortCircuit';
import { DependencyManager } from '../../../src/manager/DependencyManager';
import { ControlledCheck } from '../../support/ControlledCheck';
import { healthKit, type HealthKit } from './httpKit';

const METHODS = ['get', 'head'] as const;

let kit: HealthKit;

afterEach(async () => {
  await kit.manager.stop();
});

describe.each(METHODS)('%s /startupz (the Kubernetes startupProbe)', (method) => {
  it('answers 503 until the first round of checks has finished, then 200', async () => {
    kit = healthKit();
    kit.checks.db.delayMs = 300;
    const before = await request(kit.app)[method]('/startupz').expect(503);
    expect(before.headers['cache-control']).toBe('no-store');
    if (method === 'get') expect(before.text).toBe('not started: first round of checks running');
    const started = kit.manager.start();
    await request(kit.app)[method]('/startupz').expect(503); // the round is still running
    await started;
    const after = await request(kit.app)[method]('/startupz/?probe=k8s').expect(200);
    if (method === 'get') expect(after.text).toBe('ok');
  });

  it('stays 200 for good: OUTAGE, draining, a stop and a restart do not fail it', async () => {
    kit = healthKit();
    await kit.manager.start();
    await request(kit.app)[method]('/startupz').expect(200);
    await kit.set('db', 'OUTAGE');
    await request(kit.app)[method]('/readyz').expect(503);
    await request(kit.app)[method]('/startupz').expect(200);
    await kit.manager.stop();
    kit.checks.db.delayMs = 300;
    const restarted = kit.manager.start();
    await request(kit.app)[method]('/readyz').expect(503); // readiness waits for the new round
    await request(kit.app)[method]('/startupz').expect(200);
    await restarted;
    kit.manager.drain();
    await request(kit.app)[method]('/startupz').expect(200);
  });
});

describe('/startupz remembers start-up even when nobody asked in time', () => {
  it('answers 200 after a stop although no probe saw the manager ready', async () => {
    kit = healthKit();
    await kit.manager.start();
    await kit.manager.stop(); // ready is false again
    expect(kit.manager.ready).toBe(false);
    await request(kit.app).get('/startupz').expect(200);
  });

  it('a router built after start-up answers 200 at once, and after a stop', async () => {
    const manager = new DependencyManager({ registry: false });
    kit = { manager } as HealthKit;
    await manager.start();
    const app = express().use(healthRoutes(manager));
    await manager.stop();
    await request(app).get('/startupz').expect(200);
  });

  it('a router built while the manager is stopped waits for its next round', async () => {
    const manager = new DependencyManager({ registry: false });
    kit = { manager } as HealthKit;
    await manager.start();
    await manager.stop();
    // Nothing of ours watched the first run, and a stopped manager no longer says it was ready.
    const app = express().use(healthRoutes(manager));
    await request(app).get('/startupz').expect(503);
    await manager.start();
    await request(app).get('/startupz').expect(200);
  });

  it('adds one listener per manager, however many routers', () => {
    const manager = new DependencyManager({ registry: false });
    kit = { manager } as HealthKit;
    const before = manager.listenerCount('ready');
    for (let i = 0; i < 20; i++) healthRoutes(manager);
    expect(manager.listenerCount('ready')).toBe(before + 1);
  });
});

describe('/startupz around the rest of the kit', () => {
  it('is answered by serveProbesFirst before Express, and by healthRoutes behind a mount path', async () => {
    const manager = new DependencyManager({ registry: false });
    kit = { manager } as HealthKit;
    const db = new ControlledCheck({ id: 'db', urgency: 'REQUIRED', pingPeriodMs: 60_000 });
    manager.register(db.dependency);
    const expressSaw: string[] = [];
    const app = express();
    app.use((req, _res, next) => {
      expressSaw.push(req.url);
      next();
    });
    app.use('/ops', healthRoutes(manager));
    app.get('/startup', (_req, res) => {
      res.send('an app route that merely starts with s');
    });
    const server = http.createServer(app);
    serveProbesFirst(server, manager);
    await request(server).head('/startupz').expect(503);
    await manager.start();
    await request(server).get('/STARTUPZ/?x=1').expect(200);
    expect(expressSaw).toEqual([]);
    await request(server).get('/ops/startupz').expect(200);
    await request(server).get('/startup').expect(200, 'an app route that merely starts with s');
    expect(expressSaw).toEqual(['/ops/startupz', '/startup']);
  });

  it('passes the short-circuit during an OUTAGE', async () => {
    kit = healthKit();
    kit.app.use(shortCircuit(kit.manager));
    kit.app.get('/api', (_req, res) => {
      res.json({ ok: true });
    });
    await kit.manager.start();
    await kit.set('db', 'OUTAGE');
    await request(kit.app).get('/api').expect(500);
    await request(kit.app).get('/startupz').expect(200);
  });
});
