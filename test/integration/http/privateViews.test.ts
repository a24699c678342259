import request from 'supertest';
import type { CheckStatus } from '../../../src/status/CheckStatus';
import { ControlledCheck } from '../../support/ControlledCheck';
import { healthKit, listenRemote, type HealthKit } from './httpKit';

const METHODS = ['get', 'head'] as const;
const PRIVATE = ['/healthcheck/details', '/healthcheck/live', '/healthcheck/db'];

let kit: HealthKit;

afterEach(async () => {
  await kit.manager.stop();
});

describe.each(METHODS)('%s /healthcheck/details (loopback client)', (method) => {
  it('answers the report grouped by status, worst first, each group sorted by id', async () => {
    kit = healthKit({ db: 'REQUIRED', cache: 'WEAK', search: 'STRONG', auth: 'REQUIRED', mail: 'NONE' });
    await kit.manager.start();
    kit.checks.search.status = 'OUTAGE';
    kit.checks.cache.status = 'MINOR';
    kit.checks.mail.status = 'OUTAGE';
    await kit.set('db', 'MAJOR', 'slow');
    const res = await request(kit.app)[method]('/healthcheck/details/?x=1').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    if (method === 'head') return;
    const report = res.body;
    expect(report).toMatchObject({
      hostname: 'test-host',
      condition: 'MAJOR',
      dcStatus: 'ONLINE',
      appname: 'shop',
      leastRecentlyExecutedTimestamp: expect.any(Number),
    });
    expect(Object.keys(report.results)).toEqual(['OUTAGE', 'MAJOR', 'MINOR', 'OK']);
    expect(report.results.OUTAGE.map((r: { id: string }) => r.id)).toEqual(['mail', 'search']);
    expect(report.results.OK.map((r: { id: string }) => r.id)).toEqual(['auth']);
    expect(report.results.MAJOR[0]).toEqual({
      id: 'db',
      status: 'MAJOR',
      message: 'slow',
      description: 'the db',
      urgency: 'REQUIRED',
      type: 'database',
      timestamp: expect.any(Number),
      durationMs: expect.any(Number),
      lastKnownGoodTimestamp: expect.any(Number),
      since: expect.any(Number),
      consecutiveFailures: expect.any(Number),
      history: [
        { id: 'db', from: 'OK', to: 'MAJOR', at: report.results.MAJOR[0].since, message: 'slow' },
        { id: 'db', from: null, to: 'OK', at: expect.any(Number), message: 'ok' },
      ],
    });
  });

  it('answers 503 FAILOVER on OUTAGE and while draining, leaving out empty groups', async () => {
    kit = healthKit({ db: 'REQUIRED' });
    await kit.manager.start();
    await kit.set('db', 'OUTAGE');
    const res = await request(kit.app)[method]('/healthcheck/details').expect(503);
    if (method === 'get') expect(Object.keys(res.body.results)).toEqual(['OUTAGE']);
    await kit.set('db', 'OK');
    kit.manager.drain();
    await request(kit.app)[method]('/healthcheck/details').expect(503);
  });
});

describe.each(METHODS)('%s /healthcheck/live (loopback client)', (method) => {
  it('runs every live dependency again before answering', async () => {
    kit = healthKit({ db: 'REQUIRED' });
    await kit.manager.start();
    const calls = kit.checks.db.calls;
    kit.checks.db.status = 'OUTAGE';
    const res = await request(kit.app)[method]('/healthcheck/live').expect(503);
    expect(kit.checks.db.calls).toBe(calls + 1);
    if (method === 'get')
      expect(res.body).toMatchObject({ condition: 'OUTAGE', results: { OUTAGE: [{ id: 'db' }] } });
    // the cached views saw the fresh result too
    await request(kit.app)[method]('/healthcheck').expect(503);
  });
});

describe.each(METHODS)('%s /healthcheck/:id (loopback client)', (method) => {
  it.each<[CheckStatus, number]>([
    ['OK', 200],
    ['MINOR', 200],
    ['MAJOR', 200],
    ['OUTAGE', 503],
  ])('answers the raw result in %s with %i', async (status, code) => {
    kit = healthKit({ db: 'WEAK' });
    await kit.manager.start();
    await kit.set('db', status);
    const res = await request(kit.app)[method]('/healthcheck/db/?x=1').expect(code);
    expect(res.headers['cache-control']).toBe('no-store');
    // raw: a WEAK dependency in OUTAGE still says OUTAGE (the urgency cap is for the system status)
    if (method === 'get') expect(res.body).toMatchObject({ id: 'db', status, urgency: 'WEAK' });
  });

  it('answers 404 for an unknown id, and 503 for a registered one without a result yet', async () => {
    kit = healthKit({ db: 'REQUIRED' });
    await kit.manager.start();
    const res = await request(kit.app)[method]('/healthcheck/nope').expect(404);
    if (method === 'get')
      expect(res.body).toEqual({ error: 'unknown_dependency', message: 'no result for dependency "nope"' });
    const slow = new ControlledCheck({ id: 'slow', pingPeriodMs: 60_000 });
    slow.hang = true;
    kit.manager.register(slow.dependency);
    const pending = await request(kit.app)[method]('/healthcheck/slow').expect(503);
    if (method === 'get') expect(pending.body.error).toBe('not_checked_yet');
  });

  it('never echoes an id that is not a valid dependency id', async () => {
    kit = healthKit();
    await kit.manager.start();
    const res = await request(kit.app).get('/healthcheck/%3Cscript%3E').expect(404);
    expect(res.text).not.toContain('script');
  });
});

describe('private views from a remote client', () => {
  let remote: { url: string; close: () => Promise<void> } | undefined;

  afterEach(async () => {
    await remote?.close();
    remote = undefined;
  });

  it.each(METHODS)(
    'without a configured token: %s answers 404, and the public routes still answer',
    async (method) => {
      kit = healthKit();
      await kit.manager.start();
      remote = await listenRemote(kit.app);
      for (const path of PRIVATE) {
        await request(remote.url)[method](path).expect(404);
        await request(remote.url)
          [method](path)
          .set('X-Forwarded-For', '127.0.0.1')
          .set('X-Real-IP', '127.0.0.1')
          .expect(404);
        await request(remote.url)[method](path).set('Authorization', 'Bearer anything').expect(404);
      }
      for (const path of ['/healthcheck', '/livez', '/readyz'])
        await request(remote.url)[method](path).expect(200);
    },
  );

  it.each(METHODS)(
    'with a token: %s answers 401 without it or with a wrong one, and 200 with it',
    async (method) => {
      kit = healthKit({ db: 'REQUIRED' }, { token: 't0k3n-for-tests' });
      await kit.manager.start();
      remote = await listenRemote(kit.app);
      for (const path of PRIVATE) {
        const res = await request(remote.url)[method](path).expect(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="statuskit"');
        await request(remote.url)[method](path).set('Authorization', 'Bearer t0k3n-for-test').expect(401);
        await request(remote.url)[method](path).set('Authorization', 'Bearer t0k3n-for-tests-').expect(401);
        await request(remote.url)[method](path).set('Authorization', 't0k3n-for-tests').expect(401);
        await request(remote.url)[method](path).set('X-Forwarded-For', '127.0.0.1').expect(401);
        await request(remote.url)[method](path).set('Authorization', 'Bearer t0k3n-for-tests').expect(200);
      }
    },
  );

  it('a custom privateAccess rule replaces the loopback rule', async () => {
    kit = healthKit({ db: 'REQUIRED' }, { privateAccess: (req) => req.headers['x-test-internal'] === 'yes' });
    await kit.manager.start();
    await request(kit.app).get('/healthcheck/details').expect(404);
    await request(kit.app).get('/healthcheck/details').set('X-Test-Internal', 'yes').expect(200);
  });
});
