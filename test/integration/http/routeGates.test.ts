import express from 'express';
import request from 'supertest';
import { degradation, type DegradationView } from '../../../middleware/degradation';
import { requireDependency } from '../../../middleware/requireDependency';
import { DependencyManager } from '../../../src/manager/DependencyManager';
import type { CheckStatus } from '../../../src/status/CheckStatus';
import { ControlledCheck } from '../../support/ControlledCheck';

let manager: DependencyManager;
let reviews: ControlledCheck;

async function setReviews(status: CheckStatus): Promise<void> {
  reviews.status = status;
  await manager.evaluate();
}

beforeEach(async () => {
  manager = new DependencyManager({ registry: false });
  reviews = new ControlledCheck({ id: 'reviews', urgency: 'WEAK', mode: 'live' });
  manager.register(reviews.dependency);
  await manager.start();
});

afterEach(async () => {
  await manager.stop();
});

describe('requireDependency', () => {
  function app(opts?: Parameters<typeof requireDependency>[2]): express.Express {
    return express().get('/reviews', requireDependency(manager, 'reviews', opts), (_req, res) => {
      res.json({ reviews: ['great'] });
    });
  }

  it.each<[CheckStatus, number]>([
    ['OK', 200],
    ['MINOR', 200],
    ['MAJOR', 200],
    ['OUTAGE', 503],
  ])('by default (atLeast MAJOR) answers %s with %i', async (status, code) => {
    const a = app();
    await setReviews(status);
    const res = await request(a).get('/reviews').expect(code);
    if (code === 503) {
      expect(res.body).toEqual({ error: 'dependency_unavailable', dependency: 'reviews', status: 'OUTAGE' });
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('honours atLeast and statusCode, and lets the route through again on recovery', async () => {
    const a = app({ atLeast: 'OK', statusCode: 424 });
    await setReviews('MINOR');
    await request(a).get('/reviews').expect(424);
    await request(a).head('/reviews').expect(424);
    await setReviews('OK');
    await request(a).get('/reviews').expect(200);
  });

  it('runs the fallback instead of the route while the dependency is down', async () => {
    const a = app({ fallback: (_req, res) => void res.json({ reviews: [], degraded: true }) });
    await setReviews('OUTAGE');
    await request(a).get('/reviews').expect(200, { reviews: [], degraded: true });
  });

  it('lets requests through while the dependency has no result yet', async () => {
    const a = express().get(
      '/later',
      requireDependency(manager, 'later'),
      (_req, res) => void res.send('ok'),
    );
    await request(a).get('/later').expect(200);
  });
});

describe('degradation', () => {
  it('sets res.locals.status so a view can drop the widget of a dependency that is down', async () => {
    const a = express();
    a.use(degradation(manager));
    a.get('/', (_req, res) => {
      const status = res.locals.status as DegradationView;
      res.json({
        system: status.system,
        reviews: status.of('reviews') ?? null,
        showReviews: status.isAvailable('reviews'),
        showReviewsIfMajor: status.isAvailable('reviews', 'MAJOR'),
        unknown: status.of('nope') ?? null,
      });
    });
    expect((await request(a).get('/').expect(200)).body).toEqual({
      system: 'OK',
      reviews: 'OK',
      showReviews: true,
      showReviewsIfMajor: true,
      unknown: null,
    });
    await setReviews('MAJOR');
    expect((await request(a).get('/').expect(200)).body).toEqual({
      system: 'MINOR',
      reviews: 'MAJOR',
      showReviews: false,
      showReviewsIfMajor: true,
      unknown: null,
    });
  });

  it('forgets a dependency once it is unregistered', async () => {
    const a = express().use(degradation(manager));
    a.get(
      '/',
      (_req, res) => void res.json({ reviews: (res.locals.status as DegradationView).of('reviews') ?? null }),
    );
    manager.unregister('reviews');
    expect((await request(a).get('/')).body).toEqual({ reviews: null });
  });
});
