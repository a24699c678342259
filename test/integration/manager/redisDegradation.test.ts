import Redis from 'ioredis';
import type { CheckStatus } from '../../../src/status/CheckStatus';
import { DependencyManager } from '../../../src/manager/DependencyManager';
import type { DependencyChangedEvent } from '../../../src/manager/DependencyManagerEvents';
import { boundedCommand } from '../../../src/redis/boundedCommand';
import { RedisServer } from '../../support/RedisServer';

/** Resolves with the `changed` event that brings `id` to `status`; rejects after `withinMs`. */
function statusBecomes(manager: DependencyManager, id: string, status: CheckStatus, withinMs = 15_000) {
  return new Promise<DependencyChangedEvent>((resolve, reject) => {
    const onChanged = (e: DependencyChangedEvent): void => {
      if (e.id !== id || e.to !== status) return;
      clearTimeout(timer);
      manager.off('changed', onChanged);
      resolve(e);
    };
    const timer = setTimeout(() => {
      manager.off('changed', onChanged);
      reject(new Error(`${id} did not become ${status} within ${withinMs} ms`));
    }, withinMs);
    manager.on('changed', onChanged);
  });
}

describe('a manager watching a real Redis', () => {
  let server: RedisServer;
  let client: Redis;
  let manager: DependencyManager;
  const transitions: string[] = [];

  beforeAll(async () => {
    server = await RedisServer.start();
    client = new Redis(server.url, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: () => 100,
    });
    await new Promise((resolve) => client.once('ready', resolve));
    manager = new DependencyManager({ registry: false });
    manager.on('changed', (e) => transitions.push(`${e.from}→${e.to}`));
    manager.register({
      id: 'redis',
      type: 'redis',
      urgency: 'REQUIRED',
      timeoutMs: 400,
      pingPeriodMs: 100,
      check: async () => {
        await boundedCommand(client, 1000, 'PING', (c) => c.ping());
      },
    });
    manager.register({ id: 'static', urgency: 'WEAK', check: () => undefined });
    await manager.start();
  });

  afterAll(async () => {
    await manager.stop();
    client.disconnect();
    await server.stop();
  });

  beforeEach(() => {
    transitions.length = 0;
  });

  it('starts OK', () => {
    expect(manager.ready).toBe(true);
    expect(manager.systemStatus).toBe('OK');
    expect(manager.snapshot().get('redis')?.status).toBe('OK');
  });

  it('a frozen Redis degrades through the grace rule to OUTAGE; probes keep answering from cache', async () => {
    const outage = statusBecomes(manager, 'redis', 'OUTAGE');
    server.freeze();
    await statusBecomes(manager, 'redis', 'MINOR');
    expect(manager.systemStatus).toBe('MINOR');
    // While a PING hangs, a read answers from cache at once rather than waiting on Redis.
    const cached = await manager.evaluate('redis');
    expect(cached.status).toBe('MINOR');
    const e = await outage;
    expect(e.result.message).toBe('Timed out prior to completion');
    expect(e.result.consecutiveFailures).toBe(3);
    expect(manager.systemStatus).toBe('OUTAGE');
    expect(transitions).toEqual(['OK→MINOR', 'MINOR→OUTAGE']);

    server.resume();
    await statusBecomes(manager, 'redis', 'OK');
    expect(manager.systemStatus).toBe('OK');
  });

  it('a killed Redis is an OUTAGE (after the grace) with a clear error; a restarted one is OK again', async () => {
    const outage = statusBecomes(manager, 'redis', 'OUTAGE');
    await server.kill();
    const e = await outage;
    expect(e.result.message).toBe('Exception thrown during ping');
    expect(e.result.error?.name).toBe('RedisUnavailableError');
    expect(JSON.stringify(e.result)).not.toMatch(/\n\s+at /);
    expect(e.result.lastKnownGoodTimestamp).toBeGreaterThan(0);

    const back = statusBecomes(manager, 'redis', 'OK');
    await server.restart();
    await back;
    expect(manager.systemStatus).toBe('OK');
  });
});
