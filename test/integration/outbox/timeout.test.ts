import type Redis from 'ioredis';
import { Registry } from 'prom-client';
import type { Outbox } from '../../../src/outbox/Outbox';
import type { OutboxEvent } from '../../../src/outbox/OutboxEvent';
import { outboxSuite, sleep, testOutbox, waitForOutcome } from './helpers';
import { waitFor } from '../../support/waitFor';

const never = (): Promise<void> => new Promise(() => undefined);

describe('Outbox handler timeout', () => {
  const suite = outboxSuite('timeout');
  const { track, stream } = suite;
  let redis: Redis;
  beforeAll(() => ({ redis } = suite.current()));
  const pendingOf = async (o: Outbox, consumer?: string): Promise<string[]> => {
    const rows = (await (
      consumer
        ? redis.xpending(o.streamKey, 'statuskit', '-', '+', 100, consumer)
        : redis.xpending(o.streamKey, 'statuskit', '-', '+', 100)
    ).catch(() => [])) as [string][]; // [] before the consumer created the group
    return rows.map(([id]) => id);
  };

  it('aborts a handler that never settles at handlerTimeoutMs, counts a failed run, and handles the events behind it', async () => {
    const registry = new Registry();
    const handled: OutboxEvent[] = [];
    let stuckSignal: AbortSignal | undefined;
    const outbox = track(
      testOutbox({
        redis,
        registry,
        stream: stream(),
        handlerTimeoutMs: 200,
        claimIdleMs: 600,
        handler: async (event, { signal }) => {
          if (event.id === 'stuck' && event.attempts === 1) {
            stuckSignal = signal;
            return never();
          }
          handled.push(event);
        },
      }),
    );
    outbox.start();
    await outbox.add({ type: 't', payload: 0, id: 'stuck' });
    for (let i = 1; i <= 5; i++) await outbox.add({ type: 't', payload: i, id: `ok-${i}` });

    await waitFor(() => handled.length === 5, {
      timeoutMs: 5000,
      what: 'the five events behind the stuck one handled',
    });
    expect(stuckSignal?.aborted).toBe(true);
    expect(stuckSignal?.reason).toMatchObject({ name: 'TimeoutError' });
    // Not retried in place: the entry is left pending, for whichever consumer claims it when idle.
    await waitFor(() => handled.some((e) => e.id === 'stuck'), {
      timeoutMs: 10_000,
      what: 'the stuck event ran again and was handled',
    });
    expect(handled.find((e) => e.id === 'stuck')?.attempts).toBe(2);
    await waitFor(async () => (await pendingOf(outbox)).length === 0, {
      timeoutMs: 10_000,
      what: 'nothing pending',
    });
    await waitForOutcome(registry, 'done', 6);
    const text = await registry.metrics();
    expect(text).toMatch(/statuskit_outbox_events_total\{name="[^"]+",outcome="retried"\} 1\b/);
  });

  it('lets another live consumer claim the entry of a handler that hangs: the hung consumer stops holding it', async () => {
    const s = stream();
    const handledByB: OutboxEvent[] = [];
    const a = track(
      testOutbox({
        redis,
        stream: s,
        consumer: 'a',
        handlerTimeoutMs: 150,
        claimIdleMs: 400,
        maxAttempts: 20,
        handler: never,
      }),
    );
    await a.add({ type: 't', payload: 1, id: 'hangs-in-a' });
    a.start();
    await waitFor(async () => (await pendingOf(a, 'a')).length === 1, {
      timeoutMs: 10_000,
      what: 'a holds the entry',
    });
    const b = track(
      testOutbox({
        redis,
        stream: s,
        consumer: 'b',
        claimIdleMs: 400,
        handler: async (e) => void handledByB.push(e),
      }),
    );
    b.start();
    await waitFor(() => handledByB.length === 1, { timeoutMs: 10_000, what: 'b claimed and handled it' });
    expect(handledByB[0]).toMatchObject({ id: 'hangs-in-a' });
    expect(handledByB[0].attempts).toBeGreaterThanOrEqual(2);
    await waitFor(async () => (await pendingOf(a)).length === 0, {
      timeoutMs: 10_000,
      what: 'nothing pending',
    });
  });

  it('ignores a hung handler that settles after its timeout: no extra ack, no lost run count', async () => {
    const registry = new Registry();
    const runs: number[] = [];
    let settleLate!: () => void;
    const outbox = track(
      testOutbox({
        redis,
        registry,
        stream: stream(),
        handlerTimeoutMs: 150,
        claimIdleMs: 500,
        maxAttempts: 3,
        handler: async (event) => {
          runs.push(event.attempts);
          if (event.attempts === 1) return new Promise<void>((resolve) => (settleLate = resolve));
          if (event.attempts === 2) {
            settleLate(); // the first run finishes now, long after it timed out
            await sleep(50);
            throw new Error('second run fails');
          }
        },
      }),
    );
    outbox.start();
    await outbox.add({ type: 't', payload: 1, id: 'late' });
    await waitFor(() => runs.length === 3, { timeoutMs: 10_000, what: 'the third run' });
    await waitFor(async () => (await pendingOf(outbox)).length === 0, {
      timeoutMs: 10_000,
      what: 'nothing pending',
    });
    expect(runs).toEqual([1, 2, 3]);
    await waitForOutcome(registry, 'done', 1);
    const text = await registry.metrics();
    expect(text).toMatch(/statuskit_outbox_events_total\{name="[^"]+",outcome="retried"\} 2\b/);
    expect(await outbox.manualReview()).toEqual([]);
  });

  it('parks an event whose every run times out after maxAttempts runs', async () => {
    const outbox = track(
      testOutbox({
        redis,
        stream: stream(),
        handlerTimeoutMs: 100,
        claimIdleMs: 200,
        maxAttempts: 2,
        handler: never,
      }),
    );
    outbox.start();
    await outbox.add({ type: 't', payload: 1, id: 'always-hangs' });
    await waitFor(async () => (await outbox.manualReview()).length === 1, {
      timeoutMs: 10_000,
      what: 'parked',
    });
    const [parked] = await outbox.manualReview();
    expect(parked).toMatchObject({ id: 'always-hangs', attempts: 2, lastError: { name: 'TimeoutError' } });
    expect(parked.lastError?.message).toBe('outbox handler timed out after 100 ms');
  });
});
