import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { CircuitBreaker, Outbox, type DependencyManager, type FeatureFlags } from 'statuskit';
import { degradation, flagsAdmin, healthRoutes, metricsRoute, shortCircuit } from 'statuskit/middleware';
import { createManager } from './dependencies';
import { createInfrastructure, type Infrastructure } from './infrastructure';
import { chargeHandler, orderRoutes, type ChargeEvent, type Order } from './routes/orders';
import { productRoutes } from './routes/products';
import { simulateRoutes } from './routes/simulate';
import { createServices, type Services } from './services';
import { PostgresOrders } from './postgresOrders';

/** Everything the demo shop is made of, so `main.ts` and the tests can start and stop it. */
export interface Shop {
  app: Express;
  manager: DependencyManager;
  flags: FeatureFlags;
  services: Services;
  infrastructure: Infrastructure;
  outbox: Outbox<ChargeEvent> | undefined;
  /** Orders and their outbox in PostgreSQL, when `databaseUrl` was given. */
  postgres: PostgresOrders | undefined;
  /** Starts flags, the manager and the outbox consumer (after replaying unfinished work). */
  start(): Promise<void>;
  /** Stops everything; leaves no handle open. */
  stop(): Promise<void>;
}

/** Builds the demo shop: the way the README wires statuskit into an Express app. */
export function createShop(opts: {
  redisUrl?: string;
  databaseUrl?: string;
  token: string;
  logger: Logger;
}): Shop {
  const { token, logger } = opts;
  const infrastructure = createInfrastructure(opts.redisUrl, logger);
  const { registry, cache, flags, redis } = infrastructure;
  const services = createServices();
  const orders = new Map<string, Order>();
  const postgres = opts.databaseUrl
    ? new PostgresOrders(opts.databaseUrl, chargeHandler(services, flags, orders), logger, registry)
    : undefined;
  const partnerBreaker = new CircuitBreaker({
    name: 'partner-api',
    trip: { rate: 0.5, minCalls: 10, windowMs: 10_000 },
    halfOpenAfterMs: 5000,
    logger,
    registry,
  });
  const outbox =
    redis && !postgres
      ? new Outbox<ChargeEvent>({
          redis,
          stream: 'shop:outbox',
          handler: chargeHandler(services, flags, orders),
          maxAttempts: 5,
          claimIdleMs: 30_000,
          logger,
          registry,
        })
      : undefined;
  const manager = createManager({
    services,
    flags,
    redis,
    outbox: outbox ?? postgres?.outbox,
    partnerBreaker,
    logger,
    registry,
  });

  const app = express();
  app.disable('x-powered-by');
  // Probes, reports and metrics come first: the short-circuit never hides them.
  app.use(healthRoutes(manager, { token, appName: 'statuskit-demo-shop' }));
  app.use(metricsRoute(registry));
  app.use('/admin', flagsAdmin(flags, { token }));
  app.use('/admin', simulateRoutes(services, token));
  // On OUTAGE every route below answers 500 at once instead of timing out.
  app.use(shortCircuit(manager, { registry }));
  app.use(degradation(manager));
  app.get('/', (_req, res) => {
    res.json({
      shop: 'statuskit demo',
      try: ['/products/1', '/products', 'POST /orders', '/healthcheck/details'],
    });
  });
  app.use(productRoutes({ services, cache, flags, partnerBreaker, logger, registry }));
  app.use(orderRoutes({ manager, services, flags, redis, outbox, postgres, orders, logger, registry }));
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    logger.error({ err: err.message }, 'request failed');
    res.status(500).json({ error: 'internal_error', message: 'the request could not be completed' });
  });

  return {
    app,
    manager,
    flags,
    services,
    infrastructure,
    outbox,
    postgres,
    async start() {
      // Give Redis a moment to connect so the first round of checks does not report it down;
      // if it is really down the checks say so, and the shop serves from its other tiers.
      if (redis && redis.status !== 'ready') {
        await Promise.race([once(redis, 'ready'), delay(3000, undefined, { ref: false })]).catch(
          () => undefined,
        );
      }
      await flags.start();
      await manager.start();
      if (outbox) {
        const recovered = await outbox.recoverPending().catch((err: Error) => {
          logger.warn({ err: err.message }, 'outbox recovery failed; will retry in the background');
          return undefined;
        });
        if (recovered) logger.info(recovered, 'outbox recovered unfinished work');
        outbox.start();
      }
      if (postgres) {
        await postgres
          .migrate()
          .catch((err: Error) => logger.warn({ err: err.message }, 'orders tables not created'));
        await postgres.outbox.recoverPending().catch((err: Error) => {
          logger.warn({ err: err.message }, 'outbox recovery failed; will retry in the background');
        });
        postgres.outbox.start();
      }
    },
    async stop() {
      await outbox?.stop();
      await postgres?.close();
      await manager.stop();
      partnerBreaker.dispose();
      await infrastructure.close();
    },
  };
}
