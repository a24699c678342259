import type Redis from 'ioredis';
import { Registry } from 'prom-client';
import { RedisServer } from '../../support/RedisServer';
import { LEVEL, logSink } from '../../support/logSink';
import { RedisUnavailableError } from '../../../src/errors/RedisUnavailableError';
import { outboxSuite, readyClient, sleep, testOutbox } from './helpers';
import { waitFor } from '../../support/waitFor';

const signal = new AbortController().signal;

describe('Outbox manual review, health and metrics', () => {
  const suite = outboxSuite('review');
  const { track, stream } = suite;
  let server: RedisServer;
  let redis: Redis;
  beforeAll(() => ({ server, redis } = suite.current()));

  it('parks a poison event after exactly maxAttempts runs, with its last error redacted, and logs it', async () => {
    const { logger, lines } = logSink();
    let runs = 0;
    const registry = new Registry();
    const outbox = track(
      testOutbox({
        redis,
        registry,
        logger,
        stream: stream(),
        maxAttempts: 4,
        handler: async () => {
          runs++;
          throw new Error('cannot reach redis://app:s3cret@billing:6379');
        },
      }),
    );
    outbox.start();
    await outbox.add({ type: 'invoice', payload: { n: 1 }, id: 'inv-1' });
    await waitFor(async () => (await outbox.manualReview()).length === 1, {
      timeoutMs: 10_000,
      what: 'parked',
    });
    expect(runs).toBe(4);
    const [parked] = await outbox.manualReview();
    expect(parked).toMatchObject({
      id: 'inv-1',
      status: 'MANUAL_REVIEW_REQUIRED',
      attempts: 4,
      payload: { n: 1 },
    });
    expect(parked.lastError).toEqual({ name: 'Error', message: 'cannot reach redis://***@billing:6379' });
    expect(JSON.stringify(lines)).not.toContain('s3cret');
    const park = lines.find((l) => l.msg === 'outbox event parked for manual review');
    expect(park).toMatchObject({ level: LEVEL.warn, eventId: 'inv-1', type: 'invoice', attempts: 4 });
    expect(lines.filter((l) => l.msg === 'outbox handler failed; will retry')).toHaveLength(3);
    const text = await registry.metrics();
    expect(text).toMatch(/statuskit_outbox_events_total\{name="[^"]+",outcome="manual_review"\} 1\b/);
    expect(text).toMatch(/statuskit_outbox_events_total\{name="[^"]+",outcome="retried"\} 3\b/);
    expect(text).toMatch(/statuskit_outbox_manual_review\{name="[^"]+"\} 1\b/);
  });

  it('reports MINOR while manual review is not empty, and OK again once the event is requeued and handled', async () => {
    let healed = false;
    const outbox = track(
      testOutbox({
        redis,
        stream: stream(),
        maxAttempts: 1,
        handler: async () => {
          if (!healed) throw new Error('broken');
        },
      }),
    );
    const check = outbox.healthCheck({ id: 'orders-outbox', urgency: 'WEAK' });
    expect(check).toMatchObject({ id: 'orders-outbox', urgency: 'WEAK', type: 'redis' });
    expect(await check.check({ signal })).toMatchObject({ status: 'OK', message: '0 pending' });
    outbox.start();
    await outbox.add({ type: 't', payload: 1, id: 'p-1' });
    await waitFor(async () => (await outbox.manualReview()).length === 1, {
      timeoutMs: 10_000,
      what: 'parked',
    });
    expect(await check.check({ signal })).toEqual({
      status: 'MINOR',
      message: '1 event needs manual review; 0 pending',
      observedValue: 1,
      observedUnit: 'events',
    });
    healed = true;
    expect(await outbox.requeue('p-1')).toBe(true);
    await waitFor(async () => (await outbox.manualReview()).length === 0, {
      timeoutMs: 10_000,
      what: 'handled',
    });
    expect(await check.check({ signal })).toMatchObject({ status: 'OK' });
  });

  it('keeps two parked events with the same id as two entries, and requeue runs both, oldest first', async () => {
    const registry = new Registry();
    let healed = false;
    const ran: unknown[] = [];
    const outbox = track(
      testOutbox({
        redis,
        registry,
        stream: stream(),
        maxAttempts: 1,
        dedupeTtlMs: 50,
        handler: async (e) => {
          if (!healed) throw new Error(`broken ${String(e.payload)}`);
          ran.push(e.payload);
        },
      }),
    );
    outbox.start();
    await outbox.add({ type: 't', payload: 'first', id: 'dup' });
    await waitFor(async () => (await outbox.manualReview()).length === 1, {
      timeoutMs: 10_000,
      what: 'first parked',
    });
    await sleep(100); // the id is forgotten: the same id is a new event now
    await outbox.add({ type: 't', payload: 'second', id: 'dup' });
    await waitFor(async () => (await outbox.manualReview()).length === 2, {
      timeoutMs: 10_000,
      what: 'second parked',
    });
    const parked = await outbox.manualReview();
    expect(parked.map((e) => [e.id, e.payload])).toEqual([
      ['dup', 'first'],
      ['dup', 'second'],
    ]);
    expect(parked[0].streamId).not.toBe(parked[1].streamId);
    expect(await registry.metrics()).toMatch(/statuskit_outbox_manual_review\{name="[^"]+"\} 2\b/);
    expect(await outbox.healthCheck().check({ signal })).toMatchObject({ status: 'MINOR', observedValue: 2 });

    healed = true;
    expect(await outbox.requeue('dup')).toBe(true);
    expect(await registry.metrics()).toMatch(/statuskit_outbox_manual_review\{name="[^"]+"\} 0\b/);
    await waitFor(() => ran.length === 2, { timeoutMs: 10_000, what: 'both ran' });
    expect(ran).toEqual(['first', 'second']);
    expect(await outbox.manualReview()).toEqual([]);
    expect(await outbox.requeue('dup')).toBe(false);
  });

  it('counts never-delivered events as pending and reports the age of the oldest one', async () => {
    const registry = new Registry();
    const outbox = track(
      testOutbox({
        redis,
        registry,
        stream: stream(),
        batchSize: 1,
        handler: () => new Promise(() => undefined),
      }),
    );
    const check = outbox.healthCheck({ maxAgeMs: 300 });
    expect(await check.check({ signal })).toMatchObject({ status: 'OK', message: '0 pending' });
    // One consumer's handler hangs on the first event; the other three are never delivered.
    outbox.start();
    for (let i = 0; i < 4; i++) await outbox.add({ type: 't', payload: i });
    await waitFor(
      async () => {
        const summary = await redis.xpending(outbox.streamKey, 'statuskit').catch(() => [0]);
        return (summary as [number])[0] === 1;
      },
      { timeoutMs: 10_000, what: 'one delivered' },
    );
    const fresh = await check.check({ signal });
    expect(fresh).toMatchObject({ status: 'OK', observedValue: 4, observedUnit: 'events' });
    expect((fresh as { message: string }).message).toMatch(/^4 pending, the oldest \d+(\.\d+)? s old$/);
    await waitFor(async () => /statuskit_outbox_pending\{name="[^"]+"\} 4\b/.test(await registry.metrics()), {
      timeoutMs: 10_000,
      what: 'gauge shows four pending',
    });

    await sleep(400);
    const old = await check.check({ signal });
    expect(old).toMatchObject({ status: 'MINOR' });
    expect((old as { message: string }).message).toMatch(
      /^4 pending, the oldest \d+(\.\d+)? s old \(over 0\.3 s\)$/,
    );
    const age = Number(
      /statuskit_outbox_oldest_age_seconds\{name="[^"]+"\} ([\d.]+)/.exec(await registry.metrics())?.[1],
    );
    expect(age).toBeGreaterThanOrEqual(0.3);
    expect(age).toBeLessThan(30);

    await sleep(1200);
    expect(await check.check({ signal })).toMatchObject({ status: 'MAJOR' });
  });

  it('resolves false when asked to requeue an id that is not in manual review', async () => {
    const outbox = testOutbox({ redis, stream: stream() });
    expect(await outbox.requeue('nope')).toBe(false);
  });

  it('logs one line with its counts per recovery', async () => {
    const { logger, lines } = logSink();
    const s = stream();
    const first = testOutbox({
      redis,
      stream: s,
      consumer: 'c',
      handler: () => new Promise(() => undefined),
    });
    await first.add({ type: 't', payload: 1 });
    await first.add({ type: 't', payload: 2 });
    await redis.xgroup('CREATE', first.streamKey, 'statuskit', '0');
    await redis.xreadgroup('GROUP', 'statuskit', 'c', 'COUNT', 10, 'STREAMS', first.streamKey, '>');
    const second = testOutbox({ redis, stream: s, consumer: 'c', logger });
    expect(await second.recoverPending()).toEqual({ recovered: 2, manualReview: 0 });
    const recovery = lines.filter((l) => l.msg === 'outbox recovery finished');
    expect(recovery).toHaveLength(1);
    expect(recovery[0]).toMatchObject({
      level: LEVEL.info,
      recovered: 2,
      manualReview: 0,
      ownPending: 2,
      claimed: 0,
    });
  });

  it('publishes gauges from counts it already has, so a scrape never waits on Redis', async () => {
    const registry = new Registry();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const outbox = track(testOutbox({ redis, registry, stream: stream(), handler: () => held }));
    outbox.start();
    await outbox.add({ type: 't', payload: 1 });
    await outbox.add({ type: 't', payload: 2 });
    await waitFor(async () => /statuskit_outbox_pending\{name="[^"]+"\} 2\b/.test(await registry.metrics()), {
      timeoutMs: 10_000,
      what: 'gauge shows two pending',
    });
    server.freeze();
    try {
      const started = Date.now();
      await registry.metrics();
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      server.resume();
      release();
    }
  });
});

describe('Outbox when Redis is down', () => {
  it('reports OUTAGE from its health check and rejects recoverPending with RedisUnavailableError', async () => {
    const server = await RedisServer.start();
    const redis = await readyClient(server.url);
    try {
      const outbox = testOutbox({ redis, stream: 'down:outbox' });
      await server.kill();
      await waitFor(() => redis.status !== 'ready', { timeoutMs: 10_000, what: 'the client noticed' });
      const outcome = await outbox.healthCheck().check({ signal });
      expect(outcome).toMatchObject({ status: 'OUTAGE' });
      expect((outcome as { message: string }).message).toMatch(/^Redis unreachable: Redis is not ready/);
      await expect(outbox.recoverPending()).rejects.toBeInstanceOf(RedisUnavailableError);
      await server.restart();
      await waitFor(() => redis.status === 'ready', { timeoutMs: 15_000, what: 'the client reconnected' });
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });
});
