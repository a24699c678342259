import request from 'supertest';
import type { CheckStatus } from '../../../src/status/CheckStatus';
import { healthKit, type HealthKit } from './httpKit';

const METHODS = ['get', 'head'] as const;

let kit: HealthKit;

afterEach(async () => {
  await kit.manager.stop();
});

describe.each(METHODS)('%s /healthcheck (the load balancer)', (method) => {
  it.each<[CheckStatus, number, string]>([
    ['OK', 200, 'ONLINE'],
    ['MINOR', 200, 'ONLINE'],
    ['MAJOR', 200, 'ONLINE'],
    ['OUTAGE', 503, 'FAILOVER'],
  ])('answers %s with %i and dcStatus %s', async (status, code, dcStatus) => {
    kit = healthKit({ db: 'REQUIRED' });
    await kit.manager.start();
    await kit.set('db', status);
    const res = await request(kit.app)[method]('/healthcheck').expect(code);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    if (method === 'get') {
      expect(res.body).toEqual({
        hostname: 'test-host',
        duration: expect.any(Number),
        condition: status,
        dcStatus,
      });
    } else {
      expect(res.text ?? '').toBe('');
    }
  });

  it('answers 503 FAILOVER at once while draining, whatever the status', async () => {
    kit = healthKit({ db: 'REQUIRED' });
    await kit.manager.start();
    await request(kit.app)[method]('/healthcheck').expect(200);
    kit.manager.drain();
    const res = await request(kit.app)[method]('/healthcheck').expect(503);
    if (method === 'get') expect(res.body).toMatchObject({ condition: 'OK', dcStatus: 'FAILOVER' });
  });

  it('ignores a query string and a trailing slash', async () => {
    kit = healthKit({ db: 'REQUIRED' });
    await kit.manager.start();
    await request(kit.app)[method]('/healthcheck/?probe=1&x=y').expect(200);
    await request(kit.app)[method]('/healthcheck?probe=1').expect(200);
  });
});

describe('the load balancer body follows the urgency table', () => {
  it.each<[string, CheckStatus, CheckStatus, number]>([
    ['STRONG', 'OUTAGE', 'MAJOR', 200],
    ['WEAK', 'OUTAGE', 'MINOR', 200],
    ['NONE', 'OUTAGE', 'OK', 200],
    ['REQUIRED', 'OUTAGE', 'OUTAGE', 503],
  ])('a %s dependency in %s makes the condition %s (%i)', async (urgency, status, condition, code) => {
    kit = healthKit({ dep: urgency as 'STRONG' });
    await kit.manager.start();
    await kit.set('dep', status);
    const res = await request(kit.app).get('/healthcheck').expect(code);
    expect(res.body.condition).toBe(condition);
  });
});

describe('opts.statusCodes', () => {
  it('overrides the code per state, and dcStatus follows the code', async () => {
    kit = healthKit({ db: 'REQUIRED' }, { statusCodes: { MAJOR: 503, DRAINING: 500 } });
    await kit.manager.start();
    await kit.set('db', 'MAJOR');
    expect((await request(kit.app).get('/healthcheck').expect(503)).body.dcStatus).toBe('FAILOVER');
    await kit.set('db', 'MINOR');
    expect((await request(kit.app).get('/healthcheck').expect(200)).body.dcStatus).toBe('ONLINE');
    kit.manager.drain();
    await request(kit.app).head('/healthcheck').expect(500);
  });
});

describe.each(METHODS)('%s /healthcheck with Accept: application/health+json', (method) => {
  it.each<[CheckStatus, number, string]>([
    ['OK', 200, 'pass'],
    ['MINOR', 200, 'warn'],
    ['MAJOR', 200, 'warn'],
    ['OUTAGE', 503, 'fail'],
  ])('answers %s with %i and the draft-06 document, status %s', async (status, code, draftStatus) => {
    kit = healthKit({ db: 'REQUIRED', cache: 'WEAK' });
    await kit.manager.start();
    await kit.set('db', status, `db is ${status}`);
    const res = await request(kit.app)
      [method]('/healthcheck')
      .set('Accept', 'application/health+json')
      .expect(code);
    expect(res.headers['content-type']).toBe('application/health+json');
    expect(res.headers['cache-control']).toBe('no-store');
    if (method === 'head') return;
    const doc = JSON.parse(res.text);
    expect(doc).toEqual({
      status: draftStatus,
      serviceId: 'shop',
      checks: {
        'cache:status': [
          {
            componentId: 'cache',
            componentType: 'database',
            status: 'pass',
            time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
            output: 'ok',
            condition: 'OK',
            urgency: 'WEAK',
          },
        ],
        'db:status': [
          expect.objectContaining({ componentId: 'db', status: draftStatus, output: `db is ${status}` }),
        ],
      },
    });
    expect(doc.checks['db:status'][0]).toMatchObject({ condition: status, urgency: 'REQUIRED' });
  });

  it('says fail with output "draining" while draining', async () => {
    kit = healthKit();
    await kit.manager.start();
    kit.manager.drain();
    const res = await request(kit.app)
      [method]('/healthcheck')
      .set('Accept', 'application/health+json')
      .expect(503);
    if (method === 'get') expect(JSON.parse(res.text)).toMatchObject({ status: 'fail', output: 'draining' });
  });
});

describe.each(METHODS)('%s /livez', (method) => {
  it('answers 200 ok before start, on OUTAGE and while draining', async () => {
    kit = healthKit();
    await request(kit.app)[method]('/livez').expect(200);
    await kit.manager.start();
    await kit.set('db', 'OUTAGE');
    const res = await request(kit.app)[method]('/livez/?x=1').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    if (method === 'get') expect(res.text).toBe('ok');
    kit.manager.drain();
    await request(kit.app)[method]('/livez').expect(200);
  });

  it('never runs a check', async () => {
    kit = healthKit();
    await kit.manager.start();
    const calls = kit.checks.db.calls;
    await request(kit.app)[method]('/livez').expect(200);
    expect(kit.checks.db.calls).toBe(calls);
  });
});

describe.each(METHODS)('%s /readyz', (method) => {
  it('answers 503 until the first round of checks has finished', async () => {
    kit = healthKit();
    kit.checks.db.delayMs = 300;
    const res = await request(kit.app)[method]('/readyz').expect(503);
    if (method === 'get') expect(res.text).toBe('not ready: first round of checks running');
    const started = kit.manager.start();
    await request(kit.app)[method]('/readyz').expect(503);
    await started;
    await request(kit.app)[method]('/readyz/?x=1').expect(200);
  });

  it.each<[CheckStatus, number]>([
    ['OK', 200],
    ['MINOR', 200],
    ['MAJOR', 200],
    ['OUTAGE', 503],
  ])('answers %s with %i', async (status, code) => {
    kit = healthKit();
    await kit.manager.start();
    await kit.set('db', status);
    const res = await request(kit.app)[method]('/readyz').expect(code);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 503 at once while draining', async () => {
    kit = healthKit();
    await kit.manager.start();
    await request(kit.app)[method]('/readyz').expect(200);
    kit.manager.drain();
    const res = await request(kit.app)[method]('/readyz').expect(503);
    if (method === 'get') expect(res.text).toBe('not ready: draining');
  });
});

describe('answers are serialised when a result lands, not per request', () => {
  it('reads the snapshot once for many probes, and again after a new result', async () => {
    kit = healthKit();
    await kit.manager.start();
    const snapshot = jest.spyOn(kit.manager, 'snapshot');
    for (let i = 0; i < 5; i++) await request(kit.app).get('/healthcheck').expect(200);
    expect(snapshot).toHaveBeenCalledTimes(1);
    await kit.set('db', 'OUTAGE');
    const before = snapshot.mock.calls.length;
    for (let i = 0; i < 5; i++) await request(kit.app).get('/healthcheck').expect(503);
    expect(snapshot.mock.calls.length).toBe(before + 1);
  });

  it('never waits on a hanging dependency', async () => {
    kit = healthKit();
    await kit.manager.start();
    kit.checks.db.hang = true;
    const pending = kit.manager.evaluate();
    await request(kit.app).get('/healthcheck').expect(200);
    await request(kit.app).get('/healthcheck/details').expect(200);
    await request(kit.app).get('/healthcheck/db').expect(200);
    await kit.manager.stop();
    await pending;
  });
});
