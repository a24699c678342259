import express from 'express';
import request from 'supertest';
import { healthRoutes } from '../../../middleware/health/healthRoutes';
import { DependencyManager } from '../../../src/manager/DependencyManager';
import type { CheckStatus } from '../../../src/status/CheckStatus';

let manager: DependencyManager;
afterEach(() => manager.stop());

/** A background dependency whose outcome the test sets; counts its runs. */
function background(id: string, timeoutMs = 2000) {
  const dep = {
    runs: 0,
    status: 'OK' as CheckStatus,
    hang: false,
    dependency: {
      id,
      urgency: 'REQUIRED' as const,
      timeoutMs,
      pingPeriodMs: 60_000,
      check: () => {
        dep.runs += 1;
        if (dep.hang) return new Promise<never>(() => undefined);
        return { status: dep.status, message: `run ${dep.runs}` };
      },
    },
  };
  return dep;
}

describe('GET /healthcheck/live', () => {
  it('runs every check now, background ones included, and answers the fresh report', async () => {
    manager = new DependencyManager({ appName: 'shop', registry: false, defaults: { graceFailures: 0 } });
    const db = background('db');
    manager.register(db.dependency);
    await manager.start();
    expect(db.runs).toBe(1);
    db.status = 'OUTAGE';
    const app = express().use(healthRoutes(manager));
    const res = await request(app).get('/healthcheck/live').expect(503);
    expect(db.runs).toBe(2);
    expect(res.body.results.OUTAGE).toEqual([expect.objectContaining({ id: 'db', message: 'run 2' })]);
    // The background schedule keeps the fresh run as its latest result.
    expect(manager.snapshot().get('db')).toMatchObject({ status: 'OUTAGE', message: 'run 2' });
    expect((await request(app).get('/healthcheck/details').expect(503)).body.results.OUTAGE[0].message).toBe(
      'run 2',
    );
  });

  it('shares runs in flight and bounds each check by its timeout', async () => {
    manager = new DependencyManager({ appName: 'shop', registry: false, defaults: { graceFailures: 0 } });
    const slow = background('slow', 300);
    manager.register(slow.dependency);
    await manager.start();
    slow.hang = true;
    const app = express().use(healthRoutes(manager));
    const t0 = performance.now();
    const [a, b] = await Promise.all([
      request(app).get('/healthcheck/live'),
      request(app).get('/healthcheck/live'),
    ]);
    const elapsed = performance.now() - t0;
    expect(slow.runs).toBe(2);
    expect(a.status).toBe(503);
    expect(b.body.results.OUTAGE[0].message).toBe('Timed out prior to completion');
    expect(elapsed).toBeLessThan(300 + 1500);
  });
});

describe('DependencyManager.evaluateAll()', () => {
  it('restarts the background schedule from the fresh run', async () => {
    jest.useFakeTimers();
    try {
      manager = new DependencyManager({ registry: false });
      const db = background('db');
      manager.register(db.dependency);
      await manager.start();
      await jest.advanceTimersByTimeAsync(30_000);
      await manager.evaluateAll();
      expect(db.runs).toBe(2);
      await jest.advanceTimersByTimeAsync(59_000);
      expect(db.runs).toBe(2); // not at 60 s after start: 60 s after the fresh run
      await jest.advanceTimersByTimeAsync(1_500);
      expect(db.runs).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });
});
