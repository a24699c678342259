import { RedisCluster } from '../../support/RedisCluster';

describe('real Redis Cluster harness', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await RedisCluster.start();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('starts three masters that share the slots and route keys', async () => {
    const client = cluster.client();
    try {
      await client.set('{a}key', '1');
      await client.set('{b}key', '2');
      expect(await client.get('{a}key')).toBe('1');
      expect(await client.get('{b}key')).toBe('2');
      expect(client.nodes('master')).toHaveLength(3);
      const owner = await cluster.nodeFor('{a}key');
      expect(cluster.nodes).toContain(owner);
    } finally {
      client.disconnect();
    }
  });
});
