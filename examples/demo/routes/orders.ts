import { randomUUID } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { RetryBudget, retry, type DependencyManager, type FeatureFlags, type Outbox } from 'statuskit';
import { requireDependency } from 'statuskit/middleware';
import { findProduct } from '../catalog';
import type { Services } from '../services';

/** An order as the shop stores it. */
export interface Order {
  id: string;
  productId: string;
  quantity: number;
  status: 'paid' | 'payment_deferred';
  createdAt: number;
}

/** The outbox event that makes sure every order is eventually charged. */
export interface ChargeEvent {
  orderId: string;
  amount: number;
}

/**
 * `POST /orders`: writes the order and a `payment.charge` outbox event atomically (one MULTI when
 * Redis is configured), then tries to charge right away with `retry` behind the kill switch
 * `payment-api.enabled`. When the switch is off or the payment API keeps failing the order is still
 * accepted (202) and the outbox charges it later.
 */
export function orderRoutes(opts: {
  manager: DependencyManager;
  services: Services;
  flags: FeatureFlags;
  redis: Redis | undefined;
  outbox: Outbox<ChargeEvent> | undefined;
  /** With `DATABASE_URL`: orders and their events go to PostgreSQL instead of Redis. */
  postgres?: { save(order: Order, charge: ChargeEvent): Promise<void> };
  orders: Map<string, Order>;
  logger: Logger;
  registry: Registry;
}): Router {
  const { services, flags, redis, outbox, orders, postgres } = opts;
  // One budget for every charge: retries stay under 10 % of calls when the payment API is down.
  const budget = new RetryBudget({ ratio: 0.1, minPerSecond: 5 });
  const router = Router();

  router.get('/orders/:id', (req: Request<{ id: string }>, res: Response) => {
    const order = orders.get(req.params.id);
    if (!order) res.status(404).json({ error: 'not_found', message: 'no such order' });
    else res.json(order);
  });

  router.post(
    '/orders',
    requireDependency(opts.manager, 'orders-db', { atLeast: 'MAJOR' }),
    express.json({ limit: '4kb' }),
    async (req: Request, res: Response) => {
      const { productId, quantity } = (req.body ?? {}) as { productId?: unknown; quantity?: unknown };
      const product = typeof productId === 'string' ? findProduct(productId, 'product-db') : null;
      if (!product || product.price === null || !Number.isInteger(quantity) || (quantity as number) < 1) {
        res.status(400).json({ error: 'bad_request', message: 'expected { productId: "1", quantity: 1 }' });
        return;
      }
      const order: Order = {
        id: randomUUID(),
        productId: product.id,
        quantity: quantity as number,
        status: 'payment_deferred',
        createdAt: Date.now(),
      };
      const charge: ChargeEvent = { orderId: order.id, amount: product.price * order.quantity };
      await services['orders-db'].call(() => undefined, AbortSignal.timeout(1000));
      if (postgres) {
        // The order row and its charge event commit in one PostgreSQL transaction.
        await postgres.save(order, charge);
      } else if (redis && outbox) {
        // The order and its charge event commit together, or not at all.
        const multi = redis.multi().set(`shop:order:${order.id}`, JSON.stringify(order));
        outbox.addTo(multi, { type: 'payment.charge', payload: charge, id: order.id });
        await multi.exec();
      }
      orders.set(order.id, order);

      if (flags.isEnabled('payment-api.enabled')) {
        try {
          await retry(({ signal }) => services['payment-api'].call(() => undefined, signal), {
            name: 'payment',
            maxAttempts: 3,
            baseMs: 100,
            maxMs: 1000,
            jitter: 'full',
            budget,
            registry: opts.registry,
          });
          order.status = 'paid';
        } catch (err) {
          opts.logger.warn(
            { orderId: order.id, err: (err as Error).message },
            'payment deferred to the outbox',
          );
        }
      }
      res.status(order.status === 'paid' ? 201 : 202).json(order);
    },
  );
  return router;
}

/** The outbox handler: charges an order that was accepted while payments were off or failing. */
export function chargeHandler(services: Services, flags: FeatureFlags, orders: Map<string, Order>) {
  return async (event: { payload: ChargeEvent }): Promise<void> => {
    const order = orders.get(event.payload.orderId);
    if (order?.status === 'paid') return;
    if (!flags.isEnabled('payment-api.enabled'))
      throw new Error('payment-api.enabled is off: charge deferred');
    await services['payment-api'].call(() => undefined, AbortSignal.timeout(2000));
    if (order) order.status = 'paid';
  };
}
