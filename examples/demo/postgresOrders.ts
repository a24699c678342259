import { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { PostgresOutbox, type OutboxHandler } from 'statuskit';
import type { ChargeEvent, Order } from './routes/orders';

/**
 * The shop's orders in PostgreSQL (when `DATABASE_URL` is set): each order row and its
 * `payment.charge` outbox event commit in one transaction, or not at all.
 */
export class PostgresOrders {
  readonly pool: Pool;
  readonly outbox: PostgresOutbox<ChargeEvent>;

  constructor(url: string, handler: OutboxHandler<ChargeEvent>, logger: Logger, registry: Registry) {
    this.pool = new Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 2000 });
    this.pool.on('error', (err) => logger.warn({ err: err.message }, 'idle PostgreSQL client failed'));
    this.outbox = new PostgresOutbox<ChargeEvent>({
      pool: this.pool,
      table: 'shop_outbox',
      handler,
      maxAttempts: 5,
      logger,
      registry,
    });
  }

  /** Creates the tables (idempotent). */
  async migrate(): Promise<void> {
    await this.outbox.migrate();
    await this.pool.query(
      'CREATE TABLE IF NOT EXISTS shop_orders (id text PRIMARY KEY, body jsonb NOT NULL)',
    );
  }

  /** Stores the order and its charge event in one transaction. */
  async save(order: Order, charge: ChargeEvent): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO shop_orders (id, body) VALUES ($1, $2)', [
        order.id,
        JSON.stringify(order),
      ]);
      await this.outbox.add({ type: 'payment.charge', payload: charge, id: order.id }, { client });
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.outbox.stop();
    await this.pool.end();
  }
}
