import type Redis from 'ioredis';
import { RedisServer } from '../../support/RedisServer';
import type { OutboxEvent } from '../../../src/outbox/OutboxEvent';
import { readyClient, testOutbox, waitFor } from './helpers';

describe('Outbox: adding and handling events', () => {
  let server: RedisServer;
  let redis: Redis;
  let n = 0;
  const stream = (): string => `t:outbox${++n}`;

  beforeAll(async () => {
    server = await RedisServer.start();
    redis = await readyClient(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('runs the handler once for every added event and acknowledges it', async () => {
    const seen: OutboxEvent[] = [];
    const outbox = testOutbox({ redis, stream: stream(), handler: async (e) => void seen.push(e) });
    outbox.start();
    try {
      const ids = await Promise.all(
        [1, 2, 3].map((i) => outbox.add({ type: 'order.placed', payload: { i } })),
      );
      await waitFor('three events handled', () => seen.length === 3);
      expect(seen.map((e) => e.id).sort()).toEqual([...ids].sort());
      expect(seen[0]).toMatchObject({ type: 'order.placed', attempts: 1, status: 'PENDING' });
      await waitFor('no pending entries', async () => {
        const summary = (await redis.xpending(outbox.streamKey, 'statuskit')) as [number];
        return summary[0] === 0;
      });
    } finally {
      await outbox.stop();
    }
  });
});
