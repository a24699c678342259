import pino from 'pino';
import request from 'supertest';
import { createShop, type Shop } from '../../../examples/demo/createShop';
import { PostgresServer } from '../../support/PostgresServer';
import { waitFor } from '../pgoutbox/helpers';

describe('the demo shop with DATABASE_URL: orders and their events in one PostgreSQL transaction', () => {
  let server: PostgresServer;
  let shop: Shop;
  beforeAll(async () => {
    server = await PostgresServer.start();
    shop = createShop({ databaseUrl: server.url, token: 't'.repeat(32), logger: pino({ level: 'silent' }) });
    await shop.start();
  });
  afterAll(async () => {
    await shop?.stop();
    await server?.stop();
  });

  it('stores the order row, and the outbox charges it', async () => {
    expect(shop.outbox).toBeUndefined();
    const res = await request(shop.app).post('/orders').send({ productId: '1', quantity: 2 });
    expect([201, 202]).toContain(res.status);
    const id = (res.body as { id: string }).id;
    const pool = shop.postgres!.pool;
    const { rows } = await pool.query('SELECT body FROM shop_orders WHERE id = $1', [id]);
    expect(rows).toHaveLength(1);
    await waitFor(
      async () => (await pool.query('SELECT 1 FROM shop_outbox WHERE id = $1', [id])).rowCount === 0,
      { what: 'the charge event handled', timeoutMs: 10_000 },
    );
    const status = await request(shop.app).get(`/orders/${id}`);
    expect(status.body).toMatchObject({ id, status: 'paid' });
  });
});
