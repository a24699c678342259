import type { Cluster } from 'ioredis';
import { RedisCache } from '../../../src/cache/RedisCache';
import { fallback } from '../../../src/fallback/fallback';
import { RedisCluster } from '../../support/RedisCluster';

// A real 3-master cluster: the lease and the entry must share a slot (one node), or the holder's
// write and release could land on different nodes, and a lease command would be redirected.
let cluster: RedisCluster;
const clients: Cluster[] = [];

beforeAll(async () => {
  cluster = await RedisCluster.start();
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await cluster?.stop();
});

async function client(): Promise<Cluster> {
  const c = cluster.client();
  clients.push(c);
  if (c.status !== 'ready') await new Promise((r) => c.once('ready', r));
  return c;
}

describe("fallback({ singleFlight: 'fleet' }) on a 3-master Redis Cluster", () => {
  it('keeps the lease in its entry’s slot, and three instances × 20 calls make one source call', async () => {
    let calls = 0;
    const source = async (id: string) => {
      calls++;
      await new Promise((r) => setTimeout(r, 150));
      return { id };
    };
    const caches = await Promise.all([1, 2, 3].map(async () => new RedisCache(await client())));
    const fleet = caches.map((cache) =>
      fallback({
        name: 'product',
        key: (id: string) => id,
        cache,
        ttlMs: 60_000,
        sources: [source],
        singleFlight: 'fleet',
        registry: false,
      }),
    );
    const entryKey = caches[0].redisKey('product:9');
    const leaseKey = caches[0].fleetLease().redisKey('product:9');
    const admin = clients[0];
    expect(await admin.call('CLUSTER', 'KEYSLOT', leaseKey)).toBe(
      await admin.call('CLUSTER', 'KEYSLOT', entryKey),
    );

    const answers = await Promise.all(fleet.flatMap((fb) => Array.from({ length: 20 }, () => fb.get('9'))));
    expect(calls).toBe(1);
    expect(answers.map((a) => a.value)).toEqual(answers.map(() => ({ id: '9' })));
    expect(answers.filter((a) => a.source === 'cache')).toHaveLength(40);
    expect(await admin.exists(leaseKey)).toBe(0);
  }, 30_000);
});
