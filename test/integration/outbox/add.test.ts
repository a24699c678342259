import type Redis from 'ioredis';
import { RedisServer } from '../../support/RedisServer';
import { ConfigError } from '../../../src/errors/ConfigError';
import { RedisUnavailableError } from '../../../src/errors/RedisUnavailableError';
import { readyClient, testOutbox } from './helpers';
import { waitFor } from '../../support/waitFor';

describe('Outbox.add and addTo', () => {
  let server: RedisServer;
  let redis: Redis;
  let other: Redis;
  let n = 0;
  const stream = (): string => `add:outbox${++n}`;

  beforeAll(async () => {
    server = await RedisServer.start();
    [redis, other] = await Promise.all([readyClient(server.url), readyClient(server.url)]);
  });
  afterAll(async () => {
    redis.disconnect();
    other.disconnect();
    await server.stop();
  });

  it('stores one event when the same id is added twice, and returns that id both times', async () => {
    const outbox = testOutbox({ redis, stream: stream() });
    expect(await outbox.add({ type: 'mail', payload: 1, id: 'order-1' })).toBe('order-1');
    expect(await outbox.add({ type: 'mail', payload: 2, id: 'order-1' })).toBe('order-1');
    expect(await redis.xlen(outbox.streamKey)).toBe(1);
  });

  it('stores one event when ten adds of one id race', async () => {
    const outbox = testOutbox({ redis, stream: stream() });
    const ids = await Promise.all(
      Array.from({ length: 10 }, () => outbox.add({ type: 't', payload: 0, id: 'x' })),
    );
    expect(new Set(ids)).toEqual(new Set(['x']));
    expect(await redis.xlen(outbox.streamKey)).toBe(1);
  });

  it('returns a generated id when none is given', async () => {
    const outbox = testOutbox({ redis, stream: stream() });
    const id = await outbox.add({ type: 't', payload: { a: 1 } });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const [[, fields]] = await redis.xrange(outbox.streamKey, '-', '+');
    expect(fields).toEqual(expect.arrayContaining(['id', id, 'type', 't', 'payload', '{"a":1}']));
  });

  it("stores the event exactly when the caller's MULTI commits, and the handler sees it", async () => {
    const seen: unknown[] = [];
    const outbox = testOutbox({ redis, stream: stream(), handler: async (e) => void seen.push(e.payload) });
    const multi = redis.multi().set('order:7', 'placed');
    expect(outbox.addTo(multi, { type: 'order.placed', payload: { order: 7 }, id: 'order-7' })).toBe(
      'order-7',
    );
    await multi.exec();
    expect(await redis.get('order:7')).toBe('placed');
    expect(await redis.xlen(outbox.streamKey)).toBe(1);
    outbox.start();
    try {
      await waitFor(() => seen.length === 1, { timeoutMs: 10_000, what: 'the event handled' });
      expect(seen).toEqual([{ order: 7 }]);
    } finally {
      await outbox.stop();
    }
  });

  it('stores neither the caller write nor the event when a WATCHed key changed before EXEC', async () => {
    const outbox = testOutbox({ redis, stream: stream() });
    const client = await readyClient(server.url);
    try {
      await client.watch('stock:1');
      await other.set('stock:1', '0');
      const multi = client.multi().set('order:8', 'placed');
      outbox.addTo(multi, { type: 'order.placed', payload: {}, id: 'order-8' });
      expect(await multi.exec()).toBeNull();
      expect(await redis.exists('order:8', outbox.streamKey)).toBe(0);
      expect(await outbox.add({ type: 'order.placed', payload: {}, id: 'order-8' })).toBe('order-8');
      expect(await redis.xlen(outbox.streamKey)).toBe(1); // the id was never taken by the aborted MULTI
    } finally {
      client.disconnect();
    }
  });

  it('stores neither when EXEC is refused (EXECABORT)', async () => {
    const outbox = testOutbox({ redis, stream: stream() });
    const multi = redis.multi().set('order:9', 'placed');
    outbox.addTo(multi, { type: 'order.placed', payload: {}, id: 'order-9' });
    multi.call('SET', 'only-one-argument');
    await expect(multi.exec()).rejects.toThrow(/EXECABORT/);
    expect(await redis.exists('order:9', outbox.streamKey)).toBe(0);
  });

  it("commits the caller's writes but no second event when addTo repeats an id", async () => {
    const outbox = testOutbox({ redis, stream: stream() });
    await outbox.add({ type: 't', payload: 1, id: 'dup' });
    const multi = redis.multi().set('after-dup', '1');
    outbox.addTo(multi, { type: 't', payload: 2, id: 'dup' });
    await multi.exec();
    expect(await redis.get('after-dup')).toBe('1');
    expect(await redis.xlen(outbox.streamKey)).toBe(1);
  });

  it('stores nothing and leaves the id free when Redis refuses the add', async () => {
    const outbox = testOutbox({ redis, stream: stream() });
    await redis.set(outbox.streamKey, 'not a stream');
    const err = (await outbox
      .add({ type: 't', payload: 1, id: 'refused' })
      .catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(RedisUnavailableError);
    expect(err.message).toMatch(/^outbox event "refused" was not stored: .*WRONGTYPE/);
    await redis.del(outbox.streamKey);
    await outbox.add({ type: 't', payload: 1, id: 'refused' });
    expect(await redis.xlen(outbox.streamKey)).toBe(1);
  });

  it('rejects a malformed event with ConfigError naming the field, storing nothing', async () => {
    const outbox = testOutbox({ redis, stream: stream() });
    await expect(outbox.add({ type: '', payload: 1 })).rejects.toThrow('`event.type` must be');
    await expect(outbox.add({ type: 't', payload: 1, id: '' })).rejects.toThrow('`event.id` must be');
    await expect(outbox.add({ type: 't', payload: 10n })).rejects.toBeInstanceOf(ConfigError);
    expect(() => outbox.addTo(redis.multi(), { type: 't', payload: 1, id: 5 as never })).toThrow(ConfigError);
    expect(await redis.exists(outbox.streamKey)).toBe(0);
  });

  it("writes only keys carrying the stream's hash tag", async () => {
    const outbox = testOutbox({
      redis,
      stream: 'tagged:orders',
      maxAttempts: 1,
      handler: () => Promise.reject(new Error('x')),
    });
    await outbox.add({ type: 't', payload: 1 });
    outbox.start();
    await waitFor(async () => (await redis.hlen('tagged:{orders}:review')) === 1, {
      timeoutMs: 10_000,
      what: 'the event parked',
    });
    await outbox.stop();
    const keys = await redis.keys('tagged*');
    expect(keys.length).toBeGreaterThanOrEqual(3);
    for (const key of keys) expect(key).toMatch(/^tagged:\{orders\}/);
  });
});

describe('Outbox.add while Redis is unavailable', () => {
  let server: RedisServer;
  let redis: Redis;

  beforeEach(async () => {
    server = await RedisServer.start();
    redis = await readyClient(server.url);
  });
  afterEach(async () => {
    server.resume();
    // ioredis's disconnect() while reconnecting leaves a 2 s timer behind; reconnect first.
    if (!server.running) await server.restart();
    await waitFor(() => redis.status === 'ready', { timeoutMs: 10_000, what: 'the client reconnected' });
    redis.disconnect();
    await server.stop();
  });

  it('rejects at once with RedisUnavailableError saying the event was not stored when Redis is down', async () => {
    const outbox = testOutbox({ redis, commandTimeoutMs: 5000 });
    await server.kill();
    await waitFor(() => redis.status !== 'ready', { timeoutMs: 10_000, what: 'the client noticed' });
    const started = Date.now();
    const err = (await outbox.add({ type: 't', payload: 1, id: 'down-1' }).catch((e: unknown) => e)) as Error;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err).toBeInstanceOf(RedisUnavailableError);
    expect(err.message).toMatch(/^outbox event "down-1" was not stored: Redis is not ready/);
  });

  it('rejects within commandTimeoutMs when Redis is frozen, telling the caller to add the same id again', async () => {
    const outbox = testOutbox({ redis, commandTimeoutMs: 200 });
    server.freeze();
    const started = Date.now();
    const err = (await outbox
      .add({ type: 't', payload: 1, id: 'frozen-1' })
      .catch((e: unknown) => e)) as Error;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toBeInstanceOf(RedisUnavailableError);
    expect(err.message).toBe(
      'outbox event "frozen-1" may not have been stored: Redis did not answer within 200 ms; ' +
        'add it again with the same id (adds are idempotent)',
    );
  });
});
