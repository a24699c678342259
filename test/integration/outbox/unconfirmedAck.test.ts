import { Registry } from 'prom-client';
import { RedisServer } from '../../support/RedisServer';
import { waitFor } from '../../support/waitFor';
import { readyClient, sleep, testOutbox, waitForOutcome } from './helpers';

describe('Outbox acknowledgement lost with Redis', () => {
  it('acknowledges a handled event again instead of running it again when its ack failed, so a Redis outage alone never uses up its attempts', async () => {
    const server = await RedisServer.start({ persist: true });
    const redis = await readyClient(server.url);
    const registry = new Registry();
    const runs: string[] = [];
    let killed = false;
    // Started from the handler, awaited by the test: a restart still starting when the test ends
    // would be killed by stop() and reject with nobody listening.
    let restarting: Promise<void> | undefined;
    const outbox = testOutbox({
      redis,
      registry,
      stream: 'unconfirmed:outbox',
      claimIdleMs: 300,
      maxAttempts: 3,
      handler: async (e) => {
        runs.push(e.id);
        if (e.id !== 'lost-ack' || killed) return;
        // The handler succeeds, but Redis dies before its acknowledgement can be sent.
        killed = true;
        await server.kill();
        await sleep(200);
        restarting = server.restart();
      },
    });
    try {
      outbox.start();
      await outbox.add({ type: 't', payload: 1, id: 'lost-ack' });
      await waitFor(() => runs.length === 1, { timeoutMs: 10_000, what: 'the first run' });
      await waitFor(() => restarting !== undefined, { timeoutMs: 10_000, what: 'the restart' });
      await restarting;
      await waitFor(() => redis.status === 'ready', {
        timeoutMs: 15_000,
        what: 'Redis back',
      });
      await outbox.add({ type: 't', payload: 2, id: 'after' });
      await waitForOutcome(registry, 'done', 2);
      const pending = async (): Promise<number> =>
        ((await redis.xpending(outbox.streamKey, 'statuskit')) as [number])[0];
      await waitFor(async () => (await pending()) === 0, {
        timeoutMs: 10_000,
        what: 'nothing pending',
      });
      expect(runs).toEqual(['lost-ack', 'after']);
      expect(await outbox.manualReview()).toEqual([]);
      expect(await registry.metrics()).not.toMatch(/outcome="retried"\} [1-9]/);
    } finally {
      await restarting?.catch(() => undefined);
      await outbox.stop();
      redis.disconnect();
      await server.stop();
    }
  });
});
