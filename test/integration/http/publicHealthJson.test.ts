import express from 'express';
import request from 'supertest';
import { healthRoutes } from '../../../middleware/health/healthRoutes';
import { ConfigError } from '../../../src/errors/ConfigError';
import { healthKit, listenRemote, type HealthKit } from './httpKit';

const HEALTH_JSON = 'application/health+json';
const PUBLIC_FIELDS = ['componentId', 'componentType', 'condition', 'status', 'time', 'urgency'];

let kit: HealthKit;

afterEach(async () => {
  await kit.manager.stop();
});

/** A kit whose `lag` check reports a message and an observed value. */
async function startKit(opts: Parameters<typeof healthKit>[1] = {}): Promise<HealthKit> {
  kit = healthKit({ db: 'REQUIRED' }, opts);
  kit.manager.register({
    id: 'lag',
    urgency: 'WEAK',
    check: () => ({ status: 'MINOR', message: 'lag 120 ms', observedValue: 4242.5, observedUnit: 'ms' }),
  });
  await kit.manager.start();
  await kit.set('db', 'OUTAGE', 'token refresh failed for client_secret=cs_8a7b6c');
  return kit;
}

function checksOf(body: { checks: Record<string, Record<string, unknown>[]> }): Record<string, unknown>[] {
  return Object.values(body.checks).flat();
}

describe('application/health+json to a client that may not see the private views', () => {
  it('a remote client gets statuses only: no output, no observed value', async () => {
    await startKit();
    const remote = await listenRemote(kit.app);
    try {
      const res = await request(remote.url).get('/healthcheck').set('Accept', HEALTH_JSON).expect(503);
      expect(res.headers['content-type']).toBe(HEALTH_JSON);
      expect(res.body).toMatchObject({ status: 'fail', serviceId: 'shop' });
      const checks = checksOf(res.body);
      expect(checks).toHaveLength(2);
      for (const c of checks) expect(Object.keys(c).sort()).toEqual(PUBLIC_FIELDS);
      expect(res.body.checks['db:status'][0]).toEqual({
        componentId: 'db',
        componentType: 'database',
        status: 'fail',
        time: expect.any(String),
        condition: 'OUTAGE',
        urgency: 'REQUIRED',
      });
      expect(res.text).not.toContain('client_secret');
      expect(res.text).not.toContain('4242');
      // Claiming to be local through a header changes nothing.
      const spoofed = await request(remote.url)
        .get('/healthcheck')
        .set('Accept', HEALTH_JSON)
        .set('X-Forwarded-For', '127.0.0.1');
      expect(spoofed.text).toBe(res.text);
    } finally {
      await remote.close();
    }
  });

  it('a remote client with the bearer token gets the full document', async () => {
    await startKit({ token: 'the-admin-token' });
    const remote = await listenRemote(kit.app);
    try {
      const res = await request(remote.url)
        .get('/healthcheck')
        .set('Accept', HEALTH_JSON)
        .set('Authorization', 'Bearer the-admin-token')
        .expect(503);
      expect(res.body.checks['db:status'][0].output).toBe('token refresh failed for client_secret=***');
      const wrong = await request(remote.url)
        .get('/healthcheck')
        .set('Accept', HEALTH_JSON)
        .set('Authorization', 'Bearer wrong-token')
        .expect(503);
      expect(checksOf(wrong.body).every((c) => !('output' in c))).toBe(true);
    } finally {
      await remote.close();
    }
  });

  it('a loopback client gets the full document, redacted', async () => {
    await startKit();
    const res = await request(kit.app).get('/healthcheck').set('Accept', HEALTH_JSON).expect(503);
    expect(res.body.checks['db:status'][0]).toMatchObject({
      output: 'token refresh failed for client_secret=***',
      condition: 'OUTAGE',
    });
    expect(res.body.checks['lag:status'][0]).toMatchObject({ output: 'lag 120 ms', observedValue: 4242.5 });
  });

  it('privateAccess decides for the document as for the private views', async () => {
    await startKit({ privateAccess: () => false });
    const res = await request(kit.app).get('/healthcheck').set('Accept', HEALTH_JSON).expect(503);
    for (const c of checksOf(res.body)) expect(Object.keys(c).sort()).toEqual(PUBLIC_FIELDS);
  });

  it('publicDetails: true gives every client the full document', async () => {
    await startKit({ publicDetails: true, privateAccess: () => false });
    const res = await request(kit.app).get('/healthcheck').set('Accept', HEALTH_JSON).expect(503);
    expect(res.body.checks['db:status'][0].output).toBe('token refresh failed for client_secret=***');
  });

  it('both variants follow the latest result', async () => {
    await startKit({ privateAccess: (req) => req.headers['x-test-private'] === '1' });
    const ask = (priv: boolean) =>
      request(kit.app)
        .get('/healthcheck')
        .set('Accept', HEALTH_JSON)
        .set('X-Test-Private', priv ? '1' : '0');
    expect((await ask(false)).body.checks['db:status'][0].status).toBe('fail');
    expect((await ask(true)).body.checks['db:status'][0].output).toContain('token refresh failed');
    await kit.set('db', 'OK', 'back');
    expect((await ask(false)).body.checks['db:status'][0].status).toBe('pass');
    expect((await ask(true)).body.checks['db:status'][0].output).toBe('back');
  });
});

describe('publicDetails is validated', () => {
  it.each([['yes'], [1], [null]])('%p is a ConfigError naming the option', (value) => {
    kit = healthKit();
    const build = () => express().use(healthRoutes(kit.manager, { publicDetails: value as never }));
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/publicDetails/);
  });
});
