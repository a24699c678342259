import { Router, type Request, type Response } from 'express';
import { fallback, type CacheTier, type CircuitBreaker, type FeatureFlags } from 'statuskit';
import { cachedRoute, type DegradationView } from 'statuskit/middleware';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { PRODUCT_IDS, findProduct, productStub, recommendationsFor, type Product } from '../catalog';
import type { Services } from '../services';

/**
 * `GET /products/:id` through a fallback chain: fresh cache → product database → partner API (behind
 * a circuit breaker) →
 * stale cache → stub. `GET /products` through `cachedRoute`. The "bought together" widget is
 * dropped when the recommendations engine is down (`degradation`).
 */
export function productRoutes(opts: {
  services: Services;
  cache: CacheTier;
  flags: FeatureFlags;
  partnerBreaker: CircuitBreaker;
  logger: Logger;
  registry: Registry;
}): Router {
  const { services, flags } = opts;
  const partnerOn = flags.toggle('partner-api.enabled');
  const products = fallback<Product | null, [string]>({
    name: 'products',
    key: (id) => `product:${id}`,
    cache: opts.cache,
    ttlMs: 10_000,
    staleTtlMs: 10 * 60_000,
    sourceTimeoutMs: 500,
    sources: [
      (id, { signal }) => services['product-db'].call(() => findProduct(id, 'product-db'), signal),
      {
        // While the breaker is open the chain skips the partner at once instead of waiting 500 ms.
        breaker: opts.partnerBreaker,
        fn: (id, { signal }) => {
          if (!partnerOn()) throw new Error('partner API switched off by flag partner-api.enabled');
          return services['partner-api'].call(() => findProduct(id, 'partner-api'), signal);
        },
      },
    ],
    stub: (id) => productStub(id),
    logger: opts.logger,
    registry: opts.registry,
  });

  const router = Router();

  router.get(
    '/products',
    cachedRoute({
      name: 'product-list',
      cache: opts.cache,
      key: () => 'product-list',
      ttlMs: 5000,
      staleTtlMs: 600_000,
    }),
    async (_req: Request, res: Response) => {
      const list = await services['product-db'].call(() =>
        PRODUCT_IDS.map((id) => findProduct(id, 'product-db')),
      );
      res.json({ products: list });
    },
  );

  router.get('/products/:id', async (req: Request<{ id: string }>, res: Response) => {
    const id = req.params.id;
    if (!/^[0-9]{1,6}$/.test(id)) {
      res.status(400).json({ error: 'bad_request', message: 'product id must be a number' });
      return;
    }
    const result = await products.get(id);
    res.set('X-Statuskit-Source', result.source === 'source' ? 'origin' : result.source);
    if (result.value === null) {
      res.status(404).json({ error: 'not_found', message: `no product ${id}` });
      return;
    }
    const status = res.locals.status as DegradationView;
    const body: Record<string, unknown> = { ...result.value, ageMs: result.ageMs ?? 0 };
    // The widget is optional: drop it, rather than slow the page, when its dependency is down.
    if (flags.isEnabled('recommendations.enabled') && status.isAvailable('recommendations')) {
      body.boughtTogether = await services.recommendations
        .call(() => recommendationsFor(id), AbortSignal.timeout(200))
        .catch(() => undefined);
    }
    res.json(body);
  });

  return router;
}
