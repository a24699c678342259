import http from 'node:http';
import express from 'express';
import { Registry } from 'prom-client';
import request from 'supertest';
import { DependencyManager } from '../../../src/manager/DependencyManager';
import { healthRoutes } from '../../../middleware/health/healthRoutes';
import { probeOf, serveProbesFirst } from '../../../middleware/health/serveProbesFirst';
import { ControlledCheck } from '../../support/ControlledCheck';

describe('serveProbesFirst: the public probes answered before Express', () => {
  let manager: DependencyManager;
  let db: ControlledCheck;
  let server: http.Server;
  let expressSaw: string[];

  beforeEach(() => {
    manager = new DependencyManager({ registry: new Registry() });
    db = new ControlledCheck({ id: 'db', urgency: 'REQUIRED', pingPeriodMs: 60_000 });
    manager.register(db.dependency);
    expressSaw = [];
    const app = express();
    app.use((req, _res, next) => {
      expressSaw.push(req.url);
      next();
    });
    app.use(healthRoutes(manager));
    app.get('/api', (_req, res) => {
      res.json({ ok: true });
    });
    server = http.createServer(app);
  });
  afterEach(async () => {
    await manager.stop();
  });

  it('answers /healthcheck, /livez and /readyz without reaching Express, with healthRoutes’ answers', async () => {
    serveProbesFirst(server, manager);
    expect((await request(server).get('/readyz')).status).toBe(503); // first round not done yet
    await manager.start();
    const lb = await request(server).get('/healthcheck');
    expect(lb.status).toBe(200);
    expect(lb.headers['cache-control']).toBe('no-store');
    expect(lb.body).toMatchObject({ condition: 'OK', dcStatus: 'ONLINE' });
    expect((await request(server).get('/livez')).text).toBe('ok');
    expect((await request(server).get('/readyz/?probe=k8s')).status).toBe(200);
    expect((await request(server).head('/HealthCheck')).status).toBe(200);
    expect(expressSaw).toEqual([]);
  });

  it('tells the load balancer the truth on OUTAGE and while draining', async () => {
    serveProbesFirst(server, manager);
    db.status = 'OUTAGE'; // never succeeded: no grace
    await manager.start();
    const lb = await request(server).get('/healthcheck');
    expect(lb.status).toBe(503);
    expect(lb.body).toMatchObject({ condition: 'OUTAGE', dcStatus: 'FAILOVER' });
    expect((await request(server).get('/readyz')).text).toBe('not ready: OUTAGE');
    await manager.stop();
    db.status = 'OK';
    await manager.start();
    expect((await request(server).get('/healthcheck')).status).toBe(200);
    manager.drain();
    expect((await request(server).get('/healthcheck')).status).toBe(503);
    expect((await request(server).get('/readyz')).status).toBe(503);
  });

  it('passes every other request, the private views and the health+json document to Express', async () => {
    serveProbesFirst(server, manager);
    await manager.start();
    expect((await request(server).get('/api')).body).toEqual({ ok: true });
    expect((await request(server).get('/healthcheck/details')).body).toMatchObject({ condition: 'OK' });
    const doc = await request(server).get('/healthcheck').set('Accept', 'application/health+json');
    expect(doc.headers['content-type']).toContain('application/health+json');
    expect((await request(server).post('/healthcheck')).status).toBe(404);
    expect(expressSaw).toEqual(['/api', '/healthcheck/details', '/healthcheck', '/healthcheck']);
  });

  it('can be undone', async () => {
    const undo = serveProbesFirst(server, manager);
    await manager.start();
    undo();
    await request(server).get('/livez');
    expect(expressSaw).toEqual(['/livez']);
  });

  it('recognises the probe paths the way Express routes them', () => {
    expect(probeOf('/healthcheck')).toBe('healthcheck');
    expect(probeOf('/healthcheck/?x=1')).toBe('healthcheck');
    expect(probeOf('/LIVEZ')).toBe('livez');
    expect(probeOf('/readyz?')).toBe('readyz');
    expect(probeOf('/healthcheck/db')).toBeUndefined();
    expect(probeOf('/healthcheckx')).toBeUndefined();
    expect(probeOf('/')).toBeUndefined();
    expect(probeOf(undefined)).toBeUndefined();
  });

  it('rejects something that is not a server', () => {
    expect(() => serveProbesFirst({} as http.Server, manager)).toThrow('`server` must be a node:http Server');
  });
});
