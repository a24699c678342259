import Redis, { Cluster } from 'ioredis';
import { RedisCache } from '../../../src/cache/RedisCache';
import { fallback } from '../../../src/fallback/fallback';
import { RedisServer } from '../../support/RedisServer';

// A one-node Redis Cluster owning every slot: enough to prove that the keys (one hash tag) and the
// batched MGET are accepted by a cluster, where a multi-key command across slots would fail.
let server: RedisServer;
let cluster: Cluster;

beforeAll(async () => {
  server = await RedisServer.start({
    args: [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-announce-ip',
      '127.0.0.1',
    ],
  });
  const admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
  await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  for (let i = 0; i < 200 && !String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  admin.disconnect();
  cluster = new Cluster([{ host: '127.0.0.1', port: server.port }], { clusterRetryStrategy: () => 100 });
  await new Promise((r) => cluster.once('ready', r));
});
afterAll(async () => {
  cluster.disconnect();
  await server.stop();
});

describe('RedisCache on a Redis Cluster', () => {
  it('serves a fallback chain, with concurrent lookups batched into one MGET', async () => {
    // What is tested is that a cluster accepts the keys and the MGET, not their speed: a busy
    // machine can take longer than the default 100 ms bound to answer.
    const cache = new RedisCache(cluster, { commandTimeoutMs: 2000 });
    const fb = fallback({
      name: 'cluster',
      key: (id: string) => `product:${id}`,
      cache,
      ttlMs: 60_000,
      sources: [(id: string) => ({ id })],
      registry: false,
    });
    const ids = Array.from({ length: 20 }, (_, i) => String(i));
    await Promise.all(ids.map((id) => fb.get(id)));
    for (const id of ids) {
      for (let i = 0; i < 100 && (await cache.get(`cluster:product:${id}`)) === undefined; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    const answers = await Promise.all(ids.map((id) => fb.get(id)));
    expect(answers.map((a) => a.source)).toEqual(ids.map(() => 'cache'));
    expect(answers.map((a) => a.value)).toEqual(ids.map((id) => ({ id })));
  });
});
