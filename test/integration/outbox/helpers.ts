import { Registry } from 'prom-client';
import { Outbox } from '../../../src/outbox/Outbox';
import type { OutboxOptions } from '../../../src/outbox/OutboxOptions';

export { readyClient, testClient } from '../../support/redisClient';

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
