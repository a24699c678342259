import type Redis from 'ioredis';
import { DependencyManager, type CircuitBreaker, type FeatureFlags, type Outbox } from 'statuskit';
import { eventLoopCheck, redisCheck } from 'statuskit/checks';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ServiceName, Services } from './services';

/**
 * Registers every dependency of the shop with its urgency — the part of the README's status-model
 * section that decides what the load balancer hears:
 * - orders-db REQUIRED: without it we cannot take orders → OUTAGE, out of the load balancer;
 * - product-db STRONG: products still come from cache or the partner API → MAJOR;
 * - partner-api, payment-api WEAK: fallbacks exist (cache, deferred payment) → MINOR; the partner
 *   API's breaker joins its ping, so failing product requests show before the next ping does;
 * - recommendations NONE: a widget, shown in reports only.
 */
export function createManager(opts: {
  services: Services;
  flags: FeatureFlags;
  redis: Redis | undefined;
  outbox: Pick<Outbox, 'healthCheck'> | undefined;
  partnerBreaker: CircuitBreaker;
  logger: Logger;
  registry: Registry;
}): DependencyManager {
  const { services, flags } = opts;
  const manager = new DependencyManager({
    appName: 'statuskit-demo-shop',
    logger: opts.logger,
    registry: opts.registry,
    defaults: { pingPeriodMs: 2000, timeoutMs: 1000, graceFailures: 1 },
  });
  const simulated = (
    id: ServiceName,
    urgency: 'REQUIRED' | 'STRONG' | 'WEAK' | 'NONE',
    description: string,
  ) =>
    manager.register({
      id,
      urgency,
      description,
      type: id.endsWith('-db') ? 'database' : 'http',
      documentationUrl: `https://runbooks.example.com/shop/${id}`,
      toggle: id === 'partner-api' ? flags.toggle('partner-api.enabled') : undefined,
      breaker: id === 'partner-api' ? opts.partnerBreaker : undefined,
      check: async ({ signal }) => {
        await services[id].call(() => undefined, signal);
      },
    });
  simulated('orders-db', 'REQUIRED', 'Orders database (simulated)');
  simulated('product-db', 'STRONG', 'Product catalogue database (simulated)');
  simulated('partner-api', 'WEAK', 'Partner catalogue API, second source for products (simulated)');
  simulated('payment-api', 'WEAK', 'Payment provider; orders are accepted and charged later when it is down');
  simulated('recommendations', 'NONE', 'Recommendations engine for the "bought together" widget');
  manager.register(eventLoopCheck({ id: 'event-loop', urgency: 'WEAK' }));
  if (opts.redis) manager.register(redisCheck(opts.redis, { id: 'redis', urgency: 'WEAK', timeoutMs: 500 }));
  if (opts.outbox) manager.register(opts.outbox.healthCheck({ id: 'outbox', urgency: 'WEAK' }));
  return manager;
}
