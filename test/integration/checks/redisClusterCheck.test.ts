import type { Cluster } from 'ioredis';
import { redisCheck } from '../../../checks/redisCheck';
import { RedisCluster } from '../../support/RedisCluster';
import { eventually, MARGIN_MS, runCheck } from './helpers';
import { waitFor } from '../../support/waitFor';

describe('redisCheck on a real 3-master Redis Cluster', () => {
  let cluster: RedisCluster;
  let client: Cluster;

  beforeAll(async () => {
    cluster = await RedisCluster.start();
    client = cluster.client({
      redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 1000, disconnectTimeout: 100 },
    });
    client.on('error', () => undefined);
    await waitFor(() => client.status === 'ready', { timeoutMs: 15_000 });
  }, 60_000);
  afterAll(async () => {
    for (const node of cluster.nodes) node.resume();
    client.disconnect();
    await cluster.stop();
  });

  it('PINGs every master and answers OK when all three answer', async () => {
    const outcome = await runCheck(redisCheck(client, { id: 'cache' }));
    expect(outcome).toMatchObject({ status: 'OK', observedUnit: 'ms' });
    expect(outcome.message).toMatch(/^3\/3 masters answered PONG, slowest in [\d.]+ ms$/);
  });

  it('answers MAJOR naming the master that is frozen, within its timeout, and OK once it resumes', async () => {
    const check = redisCheck(client, { timeoutMs: 300 });
    const frozen = cluster.nodes[1];
    frozen.freeze();
    const outcome = await runCheck(check);
    expect(outcome.status).toBe('MAJOR');
    expect(outcome.message).toBe(
      `2/3 masters answered PONG; 127.0.0.1:${frozen.port} did not answer PING within 300 ms ` +
        '(server frozen, overloaded or network stalled)',
    );
    expect(outcome.elapsedMs).toBeLessThan(300 + MARGIN_MS);
    frozen.resume();
    await eventually(check, (o) => o.status === 'OK');
  });

  it('answers OUTAGE when no master answers', async () => {
    const check = redisCheck(client, { timeoutMs: 300 });
    for (const node of cluster.nodes) node.freeze();
    const outcome = await runCheck(check);
    expect(outcome.status).toBe('OUTAGE');
    expect(outcome.message).toMatch(/^0\/3 masters answered PONG; /);
    expect(outcome.elapsedMs).toBeLessThan(300 + MARGIN_MS);
    for (const node of cluster.nodes) node.resume();
    await eventually(check, (o) => o.status === 'OK');
  });

  it('answers OUTAGE at once when the Cluster client itself is closed', async () => {
    const closed = cluster.client();
    closed.on('error', () => undefined);
    await waitFor(() => closed.status === 'ready', { timeoutMs: 15_000 });
    closed.disconnect();
    await waitFor(() => closed.status !== 'ready', { timeoutMs: 15_000 });
    const outcome = await runCheck(redisCheck(closed, { timeoutMs: 10_000 }));
    expect(outcome.status).toBe('OUTAGE');
    expect(outcome.message).toMatch(/^Redis Cluster is (disconnecting|disconnected|closed for good)/);
    expect(outcome.elapsedMs).toBeLessThan(MARGIN_MS);
  });
});
