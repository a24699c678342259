import { Cluster } from 'ioredis';
import { RedisServer } from '../../support/RedisServer';
import { readyClient, testOutbox } from './helpers';
import { waitFor } from '../../support/waitFor';

describe('Outbox on Redis Cluster', () => {
  let server: RedisServer;
  let cluster: Cluster;

  beforeAll(async () => {
    server = await RedisServer.start({
      args: ['--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1'],
    });
    const admin = await readyClient(server.url);
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    await waitFor(async () => String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'), {
      timeoutMs: 10_000,
      what: 'cluster state ok',
    });
    admin.disconnect();
    cluster = new Cluster([{ host: '127.0.0.1', port: server.port }], {
      redisOptions: { maxRetriesPerRequest: 1 },
      clusterRetryStrategy: () => 100,
    });
    await waitFor(() => cluster.status === 'ready', { timeoutMs: 10_000, what: 'the cluster client ready' });
  });
  afterAll(async () => {
    cluster.disconnect();
    await server.stop();
  });

  it('adds, adds inside a MULTI, handles and parks without a CROSSSLOT error', async () => {
    const handled: string[] = [];
    const outbox = testOutbox({
      redis: cluster,
      stream: 'shop:{orders}:outbox',
      maxAttempts: 2,
      handler: async (e) => {
        if (e.type === 'poison') throw new Error('nope');
        handled.push(e.id);
      },
    });
    await outbox.add({ type: 'work', payload: 1, id: 'a' });
    const multi = cluster.multi().set('shop:{orders}:order:1', 'placed');
    outbox.addTo(multi, { type: 'work', payload: 2, id: 'b' });
    await multi.exec();
    await outbox.add({ type: 'poison', payload: 3, id: 'c' });
    expect(await outbox.recoverPending()).toEqual({ recovered: 0, manualReview: 0 });
    outbox.start();
    try {
      await waitFor(async () => handled.length === 2 && (await outbox.manualReview()).length === 1, {
        timeoutMs: 10_000,
        what: 'two handled, one parked',
      });
      expect(handled.sort()).toEqual(['a', 'b']);
      expect(await cluster.get('shop:{orders}:order:1')).toBe('placed');
      expect(await outbox.requeue('c')).toBe(true);
      const check = outbox.healthCheck();
      expect(await check.check({ signal: new AbortController().signal })).toMatchObject({ status: 'OK' });
    } finally {
      await outbox.stop();
    }
  });
});
