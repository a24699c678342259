import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { featureGate } from '../../../middleware/flags/featureGate';
import { ConfigError } from '../../../src/errors/ConfigError';
import { FeatureFlags } from '../../../src/flags/FeatureFlags';

let flags: FeatureFlags;
beforeEach(() => {
  flags = new FeatureFlags({ defaults: { 'new-checkout': false, reviews: true }, registry: false });
});

function appWith(gate: RequestHandler): express.Express {
  const app = express();
  app.get('/feature', gate, (_req, res) => void res.json({ served: 'feature' }));
  return app;
}

describe('featureGate', () => {
  it('passes requests through while the flag is on and answers 404 while it is off', async () => {
    const app = appWith(featureGate(flags, 'new-checkout'));
    const off = await request(app).get('/feature').expect(404);
    expect(off.body).toEqual({ error: 'not_found' });
    await flags.set('new-checkout', true);
    await request(app).get('/feature').expect(200, { served: 'feature' });
    await flags.set('new-checkout', false);
    await request(app).get('/feature').expect(404);
  });

  it('answers the configured status with a feature_disabled body', async () => {
    const app = appWith(featureGate(flags, 'new-checkout', { statusCode: 503 }));
    const res = await request(app).get('/feature').expect(503);
    expect(res.body).toEqual({ error: 'feature_disabled' });
  });

  it('runs whenDisabled instead of the route while the flag is off', async () => {
    const legacy: RequestHandler = (_req, res) => void res.json({ served: 'legacy' });
    const app = appWith(featureGate(flags, 'new-checkout', { whenDisabled: legacy }));
    await request(app).get('/feature').expect(200, { served: 'legacy' });
    await flags.set('new-checkout', true);
    await request(app).get('/feature').expect(200, { served: 'feature' });
  });

  it('answers from the defaults for a flag the store does not hold', async () => {
    await request(appWith(featureGate(flags, 'reviews')))
      .get('/feature')
      .expect(200);
    await request(appWith(featureGate(flags, 'unheard-of')))
      .get('/feature')
      .expect(404);
  });

  it('refuses bad keys and options at construction', () => {
    expect(() => featureGate(flags, '../x')).toThrow(ConfigError);
    expect(() => featureGate(flags, 'ok', { statusCode: 200 })).toThrow(
      /`statusCode` must be an integer ≥ 400/,
    );
    expect(() => featureGate(flags, 'ok', { whenDisabled: 'nope' as never })).toThrow(ConfigError);
    expect(() => featureGate({} as never, 'ok')).toThrow(/`flags`/);
  });
});
