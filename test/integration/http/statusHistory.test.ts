import express from 'express';
import request from 'supertest';
import * as renderer from '../../../middleware/health/statusPageRenderer';
import { healthRoutes } from '../../../middleware/health/healthRoutes';
import type { HealthSource } from '../../../middleware/HealthSource';
import type { StatusChange } from '../../../src/manager/StatusHistory';
import { healthKit, listenRemote, type HealthKit } from './httpKit';

const HTML = 'text/html,application/xhtml+xml';
const HEALTH_JSON = 'application/health+json';

let kit: HealthKit;

/** `db` flaps OK → OUTAGE → OK → OUTAGE (with a secret in one message); `cache` stays OK. */
async function flappingKit(): Promise<HealthKit> {
  kit = healthKit({ db: 'REQUIRED', cache: 'WEAK' });
  await kit.manager.start();
  await kit.set('db', 'OUTAGE', 'connect postgres://shop:s3cret@db:5432/shop refused');
  await kit.set('db', 'OK');
  await kit.set('db', 'OUTAGE', 'connection refused');
  await kit.set('db', 'OUTAGE', 'connection refused'); // repeats: no change
  return kit;
}

afterEach(async () => {
  jest.restoreAllMocks();
  await kit?.manager.stop();
});

describe('the detailed report carries history and since', () => {
  it('each result has its changes newest first and since; the system its own on top', async () => {
    await flappingKit();
    const { body } = await request(kit.app).get('/healthcheck/details').expect(503);
    const db = body.results.OUTAGE[0];
    expect(db.history.map((c: StatusChange) => `${c.from}>${c.to}`)).toEqual([
      'OK>OUTAGE',
      'OUTAGE>OK',
      'OK>OUTAGE',
      'null>OK',
    ]);
    expect(db.history[0]).toEqual({
      id: 'db',
      from: 'OK',
      to: 'OUTAGE',
      at: db.since,
      message: 'connection refused',
    });
    expect(db.since).toBeLessThanOrEqual(db.timestamp + db.durationMs + 1000);
    expect(db.history[2].message).toBe('connect postgres://***@db:5432/shop refused');
    expect(body.results.OK[0]).toMatchObject({ id: 'cache', history: [{ from: null, to: 'OK' }] });
    expect(body.history.map((c: StatusChange) => [c.id, c.from, c.to])).toEqual([
      ['db', 'OK', 'OUTAGE'],
      ['db', 'OUTAGE', 'OK'],
      ['db', 'OK', 'OUTAGE'],
    ]);
    expect(body.since).toBe(body.history[0].at);
    expect(JSON.stringify(body)).not.toContain('s3cret');
  });

  it('one dependency’s view carries its history too', async () => {
    await flappingKit();
    const { body } = await request(kit.app).get('/healthcheck/db').expect(503);
    expect(body.history).toHaveLength(4);
    expect(body.since).toBe(body.history[0].at);
  });

  it('redacts history messages again, whatever the source hands over', async () => {
    const history = (): readonly StatusChange[] => [
      { id: 'db', from: 'OK', to: 'OUTAGE', at: 1, message: 'redis://app:hunter2@cache:6379 down' },
    ];
    kit = healthKit({ db: 'REQUIRED' });
    await kit.manager.start();
    const source: HealthSource = Object.assign(Object.create(kit.manager) as HealthSource, { history });
    const app = express().use(healthRoutes(source));
    const res = await request(app).get('/healthcheck/details').expect(200);
    expect(res.body.history[0].message).toBe('redis://***@cache:6379 down');
    const page = await request(app).get('/healthcheck/details').set('Accept', HTML).expect(200);
    expect(page.text).not.toContain('hunter2');
  });
});

describe('the public health+json document gains nothing', () => {
  it('a remote client without the token sees statuses only: no history, no since, no messages', async () => {
    await flappingKit();
    const remote = await listenRemote(kit.app);
    try {
      const res = await request(remote.url).get('/healthcheck').set('Accept', HEALTH_JSON).expect(503);
      expect(res.text).not.toMatch(/history|since|refused|s3cret|\*\*\*/);
      expect(Object.keys(res.body).sort()).toEqual(['checks', 'serviceId', 'status']);
      // The private views stay closed to it.
      await request(remote.url).get('/healthcheck/details').expect(404);
      await request(remote.url).get('/healthcheck/db').expect(404);
    } finally {
      await remote.close();
    }
  });
});

describe('the status page shows the history', () => {
  it('a timeline per row, how long each has been in its status, and the system’s changes on top', async () => {
    await flappingKit();
    const html = (await request(kit.app).get('/healthcheck/details').set('Accept', HTML).expect(503)).text;
    const main = html.slice(html.indexOf('<main>'));
    const changes = /<section id="changes">([\s\S]*?)<\/section>/.exec(main)![1];
    expect(main.indexOf('<section id="changes">')).toBeLessThan(main.indexOf('<table>'));
    expect([...changes.matchAll(/<li><span class="b (\w+)">/g)].map((m) => m[1])).toEqual([
      'OUTAGE',
      'OK',
      'OUTAGE',
    ]);
    expect(changes).toContain('<strong>db</strong>: connection refused');
    const dbRow = /<tr><td><strong>db<\/strong>[\s\S]*?<\/tr>/.exec(html)![0];
    expect(dbRow).toMatch(
      /<span class="b OUTAGE">OUTAGE<\/span><br><small>for <time class="since" data-for="\d+"/,
    );
    expect([...dbRow.matchAll(/<li class="(\w+)" title="([^"]*)">/g)].map((m) => m[1])).toEqual([
      'OUTAGE',
      'OK',
      'OUTAGE',
      'OK',
    ]);
    expect(dbRow).toContain('title="new &rarr; OK at ');
    // Plain ASCII markup (entities): V8 builds and encodes it as a one-byte string.
    expect(html).toMatch(/^[\x20-\x7e]*$/);
    expect(html).toMatch(/<p>OUTAGE for <time class="since" data-for="\d+"/);
    expect(html).not.toContain('s3cret');
  });

  it('is rendered once per change, however many requests come in between', async () => {
    await flappingKit();
    const render = jest.spyOn(renderer, 'statusPageRenderer');
    const get = () => request(kit.app).get('/healthcheck/details').set('Accept', HTML);
    for (let i = 0; i < 5; i++) await get().expect(503);
    expect(render).toHaveBeenCalledTimes(1);
    await kit.set('db', 'OK');
    const pages = [];
    for (let i = 0; i < 5; i++) pages.push((await get().expect(200)).text);
    expect(render).toHaveBeenCalledTimes(2);
    // Only the clock moves between those answers.
    expect(new Set(pages.map((p) => p.replace(/data-now="\d+"/, ''))).size).toBe(1);
  });

  it('with historySize 0 shows no timeline and no system changes, but still how long', async () => {
    const { DependencyManager } = await import('../../../src/manager/DependencyManager');
    const manager = new DependencyManager({ appName: 'shop', registry: false, historySize: 0 });
    manager.register({ id: 'db', mode: 'live', check: () => ({ status: 'MAJOR', message: 'slow' }) });
    await manager.start();
    try {
      const app = express().use(healthRoutes(manager));
      const html = (await request(app).get('/healthcheck/details').set('Accept', HTML).expect(200)).text;
      expect(html).not.toContain('<ol class="tl"');
      expect(html).not.toContain('id="changes"');
      expect(html).toContain('<small>for <time class="since"');
      const { body } = await request(app).get('/healthcheck/details').expect(200);
      expect(body.history).toEqual([]);
      expect(body.results.MAJOR[0].history).toEqual([]);
    } finally {
      await manager.stop();
    }
  });
});
