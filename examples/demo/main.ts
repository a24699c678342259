// The statuskit demo shop: `npm run demo` (embedded defaults) or `REDIS_URL=redis://127.0.0.1:6379 npm run demo`.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { gracefulShutdown, serveProbesFirst } from 'statuskit/middleware';
import { createShop } from './createShop';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const redisUrl = process.env.REDIS_URL || undefined;
  // With DATABASE_URL, orders and their outbox events commit together in PostgreSQL.
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const token = process.env.STATUSKIT_TOKEN || randomBytes(20).toString('hex');
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const shop = createShop({ redisUrl, databaseUrl, token, logger });

  // Listen first: /livez answers at once and /readyz says 503 until the first round of checks is in.
  const server = shop.app.listen(port, () => {
    const base = `http://localhost:${(server.address() as { port: number }).port}`;
    const auth = `-H 'Authorization: Bearer ${token}'`;
    console.log(`
statuskit demo shop on ${base}  (${redisUrl ? `Redis at ${redisUrl.replace(/\/\/[^@]*@/, '//***@')}` : 'embedded in-memory cache and flags, no outbox'})
  token:          ${token}
  shop:           ${base}/products/1   ${base}/products   POST ${base}/orders
  health (LB):    ${base}/healthcheck
  status page:    ${base}/healthcheck/details   (open in a browser from this machine)
  probes:         ${base}/livez   ${base}/readyz   ${base}/startupz
  metrics:        ${base}/metrics
  flags:          curl ${auth} ${base}/admin/flags
  break things:   curl -X PUT ${auth} -H 'Content-Type: application/json' -d '{"mode":"failing"}' ${base}/admin/simulate/product-db
                  (services: product-db, partner-api, orders-db, payment-api, recommendations; modes: ok, slow, failing)
`);
  });
  // The load balancer's and Kubernetes' probes answered before Express: microseconds each.
  serveProbesFirst(server, shop.manager, { token, appName: 'statuskit-demo-shop' });
  gracefulShutdown(server, {
    manager: shop.manager,
    drainDelayMs: Number(process.env.DRAIN_DELAY_MS ?? 2000),
    timeoutMs: 15_000,
    logger,
    onShutdown: () => shop.stop(),
  });
  await shop.start();
  logger.info({ condition: shop.manager.systemStatus }, 'first round of checks done: ready');
}

main().catch((err: unknown) => {
  console.error('demo failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
