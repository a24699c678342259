import express from 'express';
import { EventEmitter } from 'node:events';
import request from 'supertest';
import { healthRoutes } from '../../../middleware/health/healthRoutes';
import type { HealthSource } from '../../../middleware/HealthSource';
import type { CheckResult, CheckResultSet } from '../../../src/dependencies/CheckResult';
import { BROWSER_ACCEPT, healthKit, listenRemote, type HealthKit } from './httpKit';

const SECRETS = ['s3cret', 'abc123'];

/** Every view, with every representation it has. */
const VIEWS: [string, string | undefined][] = [
  ['/healthcheck', undefined],
  ['/healthcheck', 'application/health+json'],
  ['/healthcheck/details', undefined],
  ['/healthcheck/details', BROWSER_ACCEPT],
  ['/healthcheck/live', undefined],
  ['/healthcheck/live', BROWSER_ACCEPT],
  ['/healthcheck/redis', undefined],
  ['/healthcheck/partner', undefined],
  ['/livez', undefined],
  ['/readyz', undefined],
];

let kit: HealthKit;

beforeEach(async () => {
  kit = healthKit({ redis: 'REQUIRED', partner: 'WEAK' }, { token: 'the-admin-token' });
  kit.checks.redis.error = new Error(
    'connect ECONNREFUSED redis://user:s3cret@host:6379 (Authorization: Bearer abc123)',
    { cause: new Error('inner: redis://user:s3cret@host and Bearer abc123') },
  );
  kit.checks.partner.status = 'OUTAGE';
  kit.checks.partner.message = 'GET https://user:s3cret@partner.example/api with Bearer abc123 failed';
  await kit.manager.start();
});

afterEach(async () => {
  await kit.manager.stop();
});

function assertClean(text: string, where: string): void {
  for (const secret of SECRETS) expect(`${where}: ${text}`).not.toContain(secret);
  expect(`${where}: ${text}`).not.toMatch(/\n\s+at |\.ts:\d+|\.js:\d+/);
}

describe('no view leaks a secret or a stack trace', () => {
  it.each(VIEWS)('%s (Accept: %s), loopback client', async (path, accept) => {
    const req = request(kit.app).get(path);
    if (accept) req.set('Accept', accept);
    const res = await req;
    assertClean(res.text, path);
    assertClean(JSON.stringify(res.headers), `${path} headers`);
    if (path.startsWith('/healthcheck/') && !path.endsWith('partner')) expect(res.text).toContain('***');
  });

  it('every view through a bearer token, from a remote client', async () => {
    const remote = await listenRemote(kit.app);
    try {
      for (const [path, accept] of VIEWS) {
        const req = request(remote.url).get(path).set('Authorization', 'Bearer the-admin-token');
        if (accept) req.set('Accept', accept);
        const res = await req;
        expect(res.status).not.toBe(401);
        assertClean(res.text, path);
      }
    } finally {
      await remote.close();
    }
  });
});

/** A manager that hands its results over unredacted: every view must redact on its own. */
function rawSource(): HealthSource {
  const result: CheckResult = {
    id: 'redis',
    status: 'OUTAGE',
    message: 'Exception thrown during ping: redis://user:s3cret@host failed, Bearer abc123',
    description: 'cache at redis://user:s3cret@host',
    urgency: 'REQUIRED',
    type: 'redis',
    documentationUrl: 'https://user:s3cret@wiki.example/runbook',
    timestamp: Date.now(),
    durationMs: 3,
    lastKnownGoodTimestamp: 0,
    consecutiveFailures: 1,
    observedUnit: 'token=abc123',
    error: {
      name: 'ReplyError',
      message: 'NOAUTH redis://user:s3cret@host Bearer abc123',
      cause: { name: 'Error', message: 'password=s3cret' },
    },
  };
  const set: CheckResultSet = {
    systemStatus: 'OUTAGE',
    results: [result],
    timestamp: Date.now(),
    durationMs: 0,
    get: (id) => (id === 'redis' ? result : undefined),
  };
  return Object.assign(new EventEmitter(), {
    version: 0,
    statusOf: (id: string) => set.get(id)?.status,
    systemStatus: 'OUTAGE' as const,
    draining: false,
    ready: true,
    snapshot: () => set,
    evaluate: () => Promise.resolve(set),
  });
}

describe('the views redact on their own, whatever the manager hands over', () => {
  it.each(VIEWS)('%s (Accept: %s)', async (path, accept) => {
    const app = express().use(healthRoutes(rawSource()));
    const req = request(app).get(path);
    if (accept) req.set('Accept', accept);
    const res = await req;
    assertClean(res.text, path);
    if (path === '/healthcheck/redis') {
      expect(res.body).toMatchObject({
        message: 'Exception thrown during ping: redis://***@host failed, Bearer ***',
        error: { message: 'NOAUTH redis://***@host Bearer ***', cause: { message: 'password=***' } },
      });
    }
  });
});
