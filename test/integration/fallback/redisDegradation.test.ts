import Redis from 'ioredis';
import { RedisCache } from '../../../src/cache/RedisCache';
import { fallback } from '../../../src/fallback/fallback';
import { LEVEL, logSink } from '../../support/logSink';
import { RedisServer } from '../../support/RedisServer';

// A busy shared 2-core machine: the bound asserted is commandTimeoutMs plus a generous margin.
const COMMAND_TIMEOUT_MS = 100;
const MARGIN_MS = 900; // a hang would be unbounded: a frozen server never answers

let server: RedisServer;
let redis: Redis;

beforeEach(async () => {
  server = await RedisServer.start();
  // Offline queue on and default retries per request: the cache must not hang on such a client.
  // (disconnectTimeout: ioredis arms a 2 s un-unref'd timer when disconnecting from a dead socket.)
  redis = new Redis(server.url, { retryStrategy: () => 50, disconnectTimeout: 20 });
  await new Promise((r) => redis.once('ready', r));
});
afterEach(async () => {
  server.resume();
  redis.disconnect();
  await server.stop();
});

function products(logger = logSink().logger) {
  const db = jest.fn(async (id: string) => ({ id }));
  const cache = new RedisCache(redis, { commandTimeoutMs: COMMAND_TIMEOUT_MS });
  const fb = fallback({
    name: 'products',
    key: (id: string) => `product:${id}`,
    cache,
    ttlMs: 60_000,
    sources: [db],
    logger,
    registry: false,
  });
  return { fb, db, cache };
}

async function untilCached(cache: RedisCache, key: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await cache.get(key).catch(() => undefined)) === undefined) {
    if (Date.now() > deadline) throw new Error(`${key} never reached Redis`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('fallback over Redis when Redis fails', () => {
  it('keeps answering from the sources, without an error, after Redis is killed mid-test', async () => {
    const { fb, db, cache } = products();
    await fb.get('1');
    await untilCached(cache, 'products:product:1');
    expect((await fb.get('1')).source).toBe('cache');

    await server.kill();
    for (let i = 0; i < 10; i++) {
      const started = Date.now();
      expect(await fb.get('1')).toEqual({ value: { id: '1' }, source: 'source', sourceIndex: 0 });
      expect(Date.now() - started).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
    }
    expect(db).toHaveBeenCalledTimes(11);
  });

  it('answers every call within commandTimeoutMs while Redis is frozen, and uses the cache again after SIGCONT', async () => {
    const { logger, lines } = logSink();
    const { fb, cache } = products(logger);
    await fb.get('1');
    await untilCached(cache, 'products:product:1');

    server.freeze();
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      const answer = await fb.get(String(i));
      const elapsed = Date.now() - started;
      expect(answer).toMatchObject({ source: 'source' });
      expect(elapsed).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
    }

    server.resume();
    await untilCached(cache, 'products:product:1');
    expect(await fb.get('1')).toMatchObject({ value: { id: '1' }, source: 'cache' });

    const cacheLines = lines.filter((l) => l.level >= LEVEL.info).map((l) => [l.level, l.msg]);
    expect(cacheLines).toEqual([
      [LEVEL.warn, 'fallback "products" cache tier failed; reading through to the sources'],
      [LEVEL.info, 'fallback "products" cache tier answers again'],
    ]);
  });

  it('uses the cache again after Redis restarts', async () => {
    const { fb, cache } = products();
    await server.kill();
    expect((await fb.get('1')).source).toBe('source');
    await server.restart();
    // ioredis may reconnect before a listener could be added: only wait when it has not yet.
    if (redis.status !== 'ready') await new Promise((r) => redis.once('ready', r));
    await fb.get('1');
    await untilCached(cache, 'products:product:1');
    expect((await fb.get('1')).source).toBe('cache');
  });
});
