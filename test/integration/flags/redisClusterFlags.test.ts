import type { Cluster } from 'ioredis';
import { FeatureFlags } from '../../../src/flags/FeatureFlags';
import { RedisFlagStore } from '../../../src/flags/RedisFlagStore';
import { RedisCluster } from '../../support/RedisCluster';
import {} from './flagTestKit';
import { waitFor } from '../../support/waitFor';

describe('RedisFlagStore on Redis Cluster', () => {
  let cluster: RedisCluster;
  const clients: Cluster[] = [];
  const running: FeatureFlags[] = [];
  beforeAll(async () => {
    cluster = await RedisCluster.start();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(running.map((f) => f.stop()));
    for (const c of clients) c.disconnect();
    await cluster?.stop();
  });

  it('shares flags between instances: one hash slot for the writes, pub/sub across nodes', async () => {
    const make = async (): Promise<FeatureFlags> => {
      const client = cluster.client();
      clients.push(client);
      await waitFor(() => client.status === 'ready', {
        timeoutMs: 15_000,
        intervalMs: 5,
        what: 'cluster client ready',
      });
      const flags = new FeatureFlags({ store: new RedisFlagStore(client), registry: false });
      running.push(flags);
      await flags.start();
      return flags;
    };
    const [a, b] = [await make(), await make()];
    await a.set('checkout', true, { actor: 'ops', description: 'on every node' });
    await waitFor(() => b.isEnabled('checkout'), {
      timeoutMs: 1000,
      intervalMs: 5,
      what: 'change reaches the other instance',
    });
    await b.set('checkout', false);
    await waitFor(() => !a.isEnabled('checkout'), { timeoutMs: 1000, intervalMs: 5, what: 'and back' });
    expect(a.get('checkout')).toMatchObject({ enabled: false, description: 'on every node' });
    const owner = await cluster.nodeFor('statuskit:{flags}');
    expect(cluster.nodes).toContain(owner);
  });
});
