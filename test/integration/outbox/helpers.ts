import type Redis from 'ioredis';
import { Registry } from 'prom-client';
import type { RedisServer } from '../../support/RedisServer';
import { useRedisServer } from '../../support/useRedisServer';
import { Outbox } from '../../../src/outbox/Outbox';
import { waitFor } from '../../support/waitFor';
import type { OutboxOptions } from '../../../src/outbox/OutboxOptions';

export { readyClient, testClient } from '../../support/redisClient';

/** An outbox with test-friendly timings and its own registry; stream names keep tests apart. */
export function testOutbox<P = unknown>(
  opts: Partial<OutboxOptions<P>> & Pick<OutboxOptions<P>, 'redis'>,
): Outbox<P> {
  return new Outbox<P>({
    handler: async () => undefined,
    registry: new Registry(),
    blockMs: 200,
    backoff: { baseMs: 20, maxMs: 100 },
    ...opts,
  });
}

/**
 * Waits until `statuskit_outbox_events_total{outcome}` reads `count`. The done counter moves when
 * the ack's reply is read, which can come a turn after the entry has left the pending list as seen
 * from another connection.
 */
export async function waitForOutcome(registry: Registry, outcome: string, count: number): Promise<void> {
  const line = new RegExp(`statuskit_outbox_events_total\\{name="[^"]+",outcome="${outcome}"\\} ${count}\\b`);
  await waitFor(async () => line.test(await registry.metrics()), {
    timeoutMs: 10_000,
    what: `${count} ${outcome} in statuskit_outbox_events_total`,
  });
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Registers the hooks of a suite on one real redis-server: `current()` is the server and a ready
 * client (from `beforeAll` on), `track(o)` stops the outbox after its test, and `stream()` names a
 * fresh stream per call.
 */
export function outboxSuite(prefix: string): {
  current: () => { server: RedisServer; redis: Redis };
  track: <T extends Outbox>(o: T) => T;
  stream: () => string;
} {
  const suite = useRedisServer();
  let n = 0;
  const outboxes: Outbox[] = [];
  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((o) => o.stop()));
  });
  return {
    current: () => ({ server: suite.server(), redis: suite.redis() }),
    track: (o) => (outboxes.push(o), o),
    stream: () => `${prefix}:outbox${++n}`,
  };
}
