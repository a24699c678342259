import type Redis from 'ioredis';
import { Registry } from 'prom-client';
import { RedisServer } from '../../support/RedisServer';
import type { OutboxEvent } from '../../../src/outbox/OutboxEvent';
import type { Outbox } from '../../../src/outbox/Outbox';
import { logSink } from '../../support/logSink';
import { outboxSuite, readyClient, sleep, testClient, testOutbox, waitForOutcome } from './helpers';
import { waitFor } from '../../support/waitFor';

describe('Outbox consumer loop', () => {
  const suite = outboxSuite('consume');
  const { track, stream } = suite;
  let server: RedisServer;
  let redis: Redis;
  beforeAll(() => ({ server, redis } = suite.current()));
  /** Pending entries of the group; -1 before the consumer created it. */
  const pending = async (o: Outbox): Promise<number> =>
    ((await redis.xpending(o.streamKey, 'statuskit').catch(() => [-1])) as [number])[0];

  it('runs the handler once for every added event, in order, and acknowledges each', async () => {
    const seen: OutboxEvent[] = [];
    const outbox = track(testOutbox({ redis, stream: stream(), handler: async (e) => void seen.push(e) }));
    outbox.start();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await outbox.add({ type: 'order.placed', payload: { i } }));
    await waitFor(() => seen.length === 20, { timeoutMs: 10_000, what: 'twenty events handled' });
    expect(seen.map((e) => e.id)).toEqual(ids);
    expect(seen[0]).toMatchObject({
      type: 'order.placed',
      payload: { i: 0 },
      attempts: 1,
      status: 'PENDING',
    });
    await waitFor(async () => (await pending(outbox)) === 0, { timeoutMs: 10_000, what: 'nothing pending' });
  });

  it('retries a failing handler after a backoff, never sooner than half the step', async () => {
    const registry = new Registry();
    const runsAt: number[] = [];
    const outbox = track(
      testOutbox({
        redis,
        registry,
        stream: stream(),
        maxAttempts: 3,
        backoff: { baseMs: 100, maxMs: 1000 },
        handler: async () => {
          runsAt.push(Date.now());
          if (runsAt.length < 3) throw new Error('flaky');
        },
      }),
    );
    outbox.start();
    await outbox.add({ type: 't', payload: 1 });
    await waitFor(() => runsAt.length === 3, { timeoutMs: 10_000, what: 'the third run' });
    expect(runsAt[1] - runsAt[0]).toBeGreaterThanOrEqual(50); // 'equal' jitter: [d/2, d), d = 100
    expect(runsAt[2] - runsAt[1]).toBeGreaterThanOrEqual(100); // d = 200
    await waitFor(async () => (await pending(outbox)) === 0, { timeoutMs: 10_000, what: 'acknowledged' });
    await waitForOutcome(registry, 'done', 1);
    const text = await registry.metrics();
    expect(text).toMatch(/statuskit_outbox_events_total\{name="[^"]+",outcome="retried"\} 2\b/);
  });

  it('treats a handler that throws synchronously like one that rejects', async () => {
    let runs = 0;
    const outbox = track(
      testOutbox({
        redis,
        stream: stream(),
        maxAttempts: 2,
        handler: () => {
          runs++;
          throw new Error('sync');
        },
      }),
    );
    outbox.start();
    await outbox.add({ type: 't', payload: 1, id: 'sync' });
    await waitFor(async () => (await outbox.manualReview()).length === 1, {
      timeoutMs: 10_000,
      what: 'parked',
    });
    expect(runs).toBe(2);
  });

  it('waits in recoverPending() for a client that is still connecting', async () => {
    const fresh = testClient(server.url);
    try {
      expect(fresh.status).not.toBe('ready');
      const outbox = testOutbox({ redis: fresh, stream: stream() });
      expect(await outbox.recoverPending()).toEqual({ recovered: 0, manualReview: 0 });
    } finally {
      fresh.disconnect();
    }
  });

  it('starts again after a stop', async () => {
    const seen: string[] = [];
    const outbox = track(testOutbox({ redis, stream: stream(), handler: async (e) => void seen.push(e.id) }));
    outbox.start();
    await outbox.stop();
    await outbox.stop(); // twice is harmless
    outbox.start();
    await outbox.add({ type: 't', payload: 1, id: 'again' });
    await waitFor(() => seen.length === 1, { timeoutMs: 10_000, what: 'handled after the restart' });
    expect(seen).toEqual(['again']);
  });

  it('ends a blocking read at once on stop()', async () => {
    const outbox = testOutbox({ redis, stream: stream(), blockMs: 30_000 });
    outbox.start();
    await sleep(300);
    const started = Date.now();
    await outbox.stop();
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('waits in stop() for the handler in flight, acknowledges it, and leaves the rest pending for the next start', async () => {
    const s = stream();
    const log: string[] = [];
    const first = testOutbox({
      redis,
      stream: s,
      consumer: 'stable',
      handler: async (e) => {
        log.push(`start ${e.id}`);
        await sleep(300);
        log.push(`end ${e.id}`);
      },
    });
    for (let i = 0; i < 5; i++) await first.add({ type: 't', payload: i, id: `s-${i}` });
    first.start();
    await waitFor(() => log.length === 1, { timeoutMs: 10_000, what: 'the first handler running' });
    await first.stop();
    expect(log).toEqual(['start s-0', 'end s-0']);
    expect(await pending(first)).toBe(4);

    const handled: string[] = [];
    const second = testOutbox({
      redis,
      stream: s,
      consumer: 'stable',
      handler: async (e) => void handled.push(e.id),
    });
    expect(await second.recoverPending()).toEqual({ recovered: 4, manualReview: 0 });
    expect(handled).toEqual(['s-1', 's-2', 's-3', 's-4']);
    expect(await pending(second)).toBe(0);
  });

  it('gives up waiting in stop() after stopTimeoutMs for a handler that never settles, leaving its event pending', async () => {
    const { logger, lines } = logSink();
    let started = false;
    const outbox = testOutbox({
      redis,
      logger,
      stream: stream(),
      stopTimeoutMs: 300,
      handler: () => ((started = true), new Promise<void>(() => undefined)),
    });
    outbox.start();
    await outbox.add({ type: 't', payload: 1 });
    await waitFor(() => started, { timeoutMs: 10_000, what: 'the handler running' });
    const begun = Date.now();
    await outbox.stop();
    expect(Date.now() - begun).toBeLessThan(3000);
    expect(await pending(outbox)).toBe(1);
    expect(lines.map((l) => l.msg)).toContain(
      'outbox stop gave up waiting for the handler in flight; its event stays pending and will run again',
    );
  });

  it('parks a stream entry it cannot read as an event instead of losing it', async () => {
    const outbox = track(testOutbox({ redis, stream: stream() }));
    const sid = await redis.xadd(outbox.streamKey, '*', 'foo', 'bar');
    outbox.start();
    await waitFor(async () => (await outbox.manualReview()).length === 1, {
      timeoutMs: 10_000,
      what: 'parked',
    });
    const [parked] = await outbox.manualReview();
    expect(parked).toMatchObject({ id: sid, type: 'unknown', payload: ['foo', 'bar'], attempts: 0 });
    expect(parked.lastError?.name).toBe('OutboxMalformedEntry');
  });

  it('trims acknowledged entries only, never one still pending or one another group has not read', async () => {
    const s = stream();
    let release!: () => void;
    const hung = new Promise<void>((r) => (release = r));
    const started: string[] = [];
    const a = track(
      testOutbox({
        redis,
        stream: s,
        consumer: 'a',
        batchSize: 1,
        handler: (e) => (started.push(e.id), e.type === 'hang' ? hung : Promise.resolve()),
      }),
    );
    a.start();
    await a.add({ type: 'work', payload: 0, id: 'first' });
    await waitFor(async () => started.length === 1 && (await pending(a)) === 0, {
      timeoutMs: 10_000,
      what: 'first acknowledged',
    });
    await a.add({ type: 'hang', payload: 0, id: 'held' });
    await waitFor(async () => (await pending(a)) === 1, { timeoutMs: 10_000, what: 'held in flight' });
    const b = track(testOutbox({ redis, stream: s, consumer: 'b', trimIntervalMs: 50 }));
    b.start();
    for (let i = 0; i < 5; i++) await b.add({ type: 'work', payload: i });
    await waitFor(async () => (await redis.xlen(a.streamKey)) === 6, {
      timeoutMs: 10_000,
      what: 'only the first entry trimmed',
    });
    await sleep(300);
    expect(await redis.xlen(a.streamKey)).toBe(6);
    const held = await redis.xpending(a.streamKey, 'statuskit', '-', '+', 10);
    expect(held).toHaveLength(1);
    release();
    await waitFor(async () => (await redis.xlen(a.streamKey)) <= 1, {
      timeoutMs: 10_000,
      what: 'all trimmed but the last delivered',
    });

    await redis.xgroup('CREATE', a.streamKey, 'audit', '$');
    for (let i = 0; i < 3; i++) await b.add({ type: 'work', payload: i });
    await waitFor(async () => (await pending(b)) === 0, { timeoutMs: 10_000, what: 'handled' });
    await sleep(300);
    expect(await redis.xlen(a.streamKey)).toBeGreaterThanOrEqual(3); // 'audit' has not read them
  });
});

describe('Outbox consumer loop when Redis restarts', () => {
  it('keeps consuming after Redis restarts and loses its consumer group', async () => {
    const server = await RedisServer.start();
    const redis = await readyClient(server.url);
    const handled: string[] = [];
    const outbox = testOutbox({
      redis,
      stream: 'restart:outbox',
      handler: async (e) => void handled.push(e.id),
    });
    try {
      outbox.start();
      await outbox.add({ type: 't', payload: 1, id: 'before' });
      await waitFor(() => handled.length === 1, { timeoutMs: 10_000, what: 'handled before' });
      await server.restart();
      await waitFor(() => redis.status === 'ready', { timeoutMs: 15_000, what: 'client back' });
      await waitFor(
        () =>
          outbox.add({ type: 't', payload: 2, id: 'after' }).then(
            () => true,
            () => false,
          ),
        { timeoutMs: 10_000, what: 'added after the restart' },
      );
      await waitFor(() => handled.length === 2, { timeoutMs: 15_000, what: 'handled after' });
      expect(handled).toEqual(['before', 'after']);
    } finally {
      await outbox.stop();
      redis.disconnect();
      await server.stop();
    }
  });
});
