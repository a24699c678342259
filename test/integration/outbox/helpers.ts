import Redis from 'ioredis';
import { Registry } from 'prom-client';
import { Outbox } from '../../../src/outbox/Outbox';
import type { OutboxOptions } from '../../../src/outbox/OutboxOptions';

/** A test client that never waits on the offline queue. */
export function testClient(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 100 });
}

/** {@link testClient}, resolved once connected. */
export async function readyClient(url: string): Promise<Redis> {
  const client = testClient(url);
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  return client;
}

/** Polls `check` every 20 ms until it returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

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

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
