import http from 'node:http';
import express from 'express';
import request from 'supertest';
import { healthRoutes } from '../../../middleware/health/healthRoutes';
import { serveProbesFirst } from '../../../middleware/health/serveProbesFirst';
import { ConfigError } from '../../../src/errors/ConfigError';
import type { CheckStatus } from '../../../src/status/CheckStatus';
import { BROWSER_ACCEPT, healthKit, type HealthKit } from './httpKit';

const METHODS = ['get', 'head'] as const;
/** Every view `degradedHeader` covers: path and `Accept`. */
const MARKED: [string, string | undefined][] = [
  ['/healthcheck', undefined],
  ['/healthcheck', 'application/health+json'],
  ['/readyz', undefined],
  ...['/healthcheck/details', '/healthcheck/live'].flatMap((path): [string, string | undefined][] => [
    [path, undefined],
    [path, BROWSER_ACCEPT],
  ]),
];

let kit: HealthKit;

afterEach(async () => {
  await kit.manager.stop();
});

function answer(method: 'get' | 'head', path: string, accept?: string): request.Test {
  const req = request(kit.app)[method](path);
  if (accept !== undefined) req.set('Accept', accept);
  return req;
}

describe.each(METHODS)('%s with degradedHeader: true', (method) => {
  it.each<[CheckStatus, number, string | undefined]>([
    ['OK', 200, undefined],
    ['MINOR', 200, 'true'],
    ['MAJOR', 200, 'true'],
    ['OUTAGE', 503, undefined],
  ])('a system in %s answers %i with x-envoy-degraded %p on every view', async (status, code, header) => {
    kit = healthKit({ db: 'REQUIRED' }, { degradedHeader: true });
    await kit.manager.start();
    await kit.set('db', status);
    expect(kit.manager.systemStatus).toBe(status);
    for (const [path, accept] of MARKED) {
      const res = await answer(method, path, accept);
      expect([path, accept, res.status, res.headers['x-envoy-degraded']]).toEqual([
        path,
        accept,
        code,
        header,
      ]);
    }
  });

  it('never marks /livez, /startupz or a per-dependency result', async () => {
    kit = healthKit({ db: 'REQUIRED' }, { degradedHeader: true });
    await kit.manager.start();
    await kit.set('db', 'MAJOR');
    for (const path of ['/livez', '/startupz', '/healthcheck/db']) {
      const res = await answer(method, path).expect(200);
      expect([path, res.headers['x-envoy-degraded']]).toEqual([path, undefined]);
    }
  });

  it('follows the system, not one dependency: a WEAK dependency in OUTAGE makes it MINOR', async () => {
    kit = healthKit({ db: 'REQUIRED', reviews: 'WEAK' }, { degradedHeader: true });
    await kit.manager.start();
    await request(kit.app)
      [method]('/healthcheck')
      .expect(200)
      .expect((res) => {
        expect(res.headers['x-envoy-degraded']).toBeUndefined();
      });
    await kit.set('reviews', 'OUTAGE');
    const degraded = await request(kit.app)[method]('/healthcheck').expect(200);
    expect(degraded.headers['x-envoy-degraded']).toBe('true');
    await kit.set('reviews', 'OK'); // recovers: the header goes with the next answer
    const healthy = await request(kit.app)[method]('/healthcheck').expect(200);
    expect(healthy.headers['x-envoy-degraded']).toBeUndefined();
  });
});

describe('degradedHeader and the status codes', () => {
  it('is absent by default', async () => {
    kit = healthKit({ db: 'REQUIRED' });
    await kit.manager.start();
    await kit.set('db', 'MAJOR');
    for (const [path, accept] of MARKED) {
      const res = await answer('get', path, accept).expect(200);
      expect([path, res.headers['x-envoy-degraded']]).toEqual([path, undefined]);
    }
  });

  it('never rides on a 5xx: MAJOR mapped to 503, and draining', async () => {
    kit = healthKit({ db: 'REQUIRED' }, { degradedHeader: true, statusCodes: { MAJOR: 503 } });
    await kit.manager.start();
    await kit.set('db', 'MAJOR');
    const major = await request(kit.app).get('/healthcheck').expect(503);
    expect(major.headers['x-envoy-degraded']).toBeUndefined();
    await kit.set('db', 'MINOR');
    await request(kit.app).get('/healthcheck').expect(200).expect('x-envoy-degraded', 'true');
    kit.manager.drain();
    for (const path of ['/healthcheck', '/readyz']) {
      const res = await request(kit.app).get(path).expect(503);
      expect([path, res.headers['x-envoy-degraded']]).toEqual([path, undefined]);
    }
  });

  it('marks an OUTAGE mapped to a 2xx too: the host is serving, and worse than MAJOR', async () => {
    kit = healthKit({ db: 'REQUIRED' }, { degradedHeader: true, statusCodes: { OUTAGE: 200 } });
    await kit.manager.start();
    await kit.set('db', 'OUTAGE');
    await request(kit.app).get('/healthcheck').expect(200).expect('x-envoy-degraded', 'true');
  });

  it('is answered the same by serveProbesFirst, before Express', async () => {
    kit = healthKit({ db: 'REQUIRED' });
    const server = http.createServer(express());
    serveProbesFirst(server, kit.manager, { degradedHeader: true });
    await kit.manager.start();
    await request(server)
      .get('/healthcheck')
      .expect(200)
      .expect((res) => {
        expect(res.headers['x-envoy-degraded']).toBeUndefined();
      });
    await kit.set('db', 'MINOR');
    for (const path of ['/healthcheck', '/readyz']) {
      const res = await request(server).head(path).expect(200);
      expect([path, res.headers['x-envoy-degraded']]).toEqual([path, 'true']);
    }
    const live = await request(server).get('/livez').expect(200);
    expect(live.headers['x-envoy-degraded']).toBeUndefined();
  });

  it('rejects what is not a boolean, naming the option', () => {
    kit = healthKit();
    let err: unknown;
    try {
      healthRoutes(kit.manager, { degradedHeader: 'yes' as never });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).option).toBe('degradedHeader');
  });
});
