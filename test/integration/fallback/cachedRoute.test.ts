import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { Registry } from 'prom-client';
import request from 'supertest';
import { cachedRoute } from '../../../middleware/cachedRoute/cachedRoute';
import type { CachedRouteOptions } from '../../../middleware/cachedRoute/CachedRouteOptions';
import type { CacheTier } from '../../../src/cache/CacheTier';
import { MemoryCache } from '../../../src/cache/MemoryCache';
import { RedisCache } from '../../../src/cache/RedisCache';
import { ConfigError } from '../../../src/errors/ConfigError';
import { LEVEL, logSink } from '../../support/logSink';
import { clock } from '../../support/clock';
import { useRedisServer } from '../../support/useRedisServer';

const { server, redis } = useRedisServer();

/** What the product route does on the next request. */
type Mode = 'ok' | 'throw' | 'reject' | '503' | 'hang' | 'cookie' | 'private' | 'text' | '404';

function shop(cache: CacheTier, opts: Partial<CachedRouteOptions> = {}, errorHandler?: ErrorRequestHandler) {
  const state = { mode: 'ok' as Mode, calls: 0, version: 1 };
  const route: RequestHandler = async (req, res) => {
    state.calls++;
    const id = String(req.params.id);
    switch (state.mode) {
      case 'throw':
        throw new Error('database password=hunter2 unreachable');
      case 'reject':
        return Promise.reject(new Error('database down'));
      case '503':
        res.status(503).json({ error: 'db down' });
        return;
      case 'hang':
        await new Promise((r) => setTimeout(r, 1500));
        res.json({ id, late: true });
        return;
      case 'cookie':
        res.cookie('session', 'abc').json({ id, v: state.version });
        return;
      case 'private':
        res.set('Cache-Control', 'private, max-age=60').json({ id, v: state.version });
        return;
      case 'text':
        res.send(`product ${id}`);
        return;
      case '404':
        res.status(404).json({ error: 'no such product' });
        return;
      default:
        res.json({ id, v: state.version });
    }
  };
  const app: Express = express();
  app.get(
    '/products/:id',
    cachedRoute({
      name: 'product',
      cache,
      key: (req) => `product:${String(req.params.id)}`,
      ttlMs: 1000,
      staleTtlMs: 4000,
      registry: false,
      ...opts,
    }),
    route,
  );
  if (errorHandler) app.use(errorHandler);
  return { app, state };
}

async function settle(cache: CacheTier, key: string): Promise<void> {
  for (let i = 0; i < 200 && (await cache.get(key)) === undefined; i++)
    await new Promise((r) => setTimeout(r, 5));
}

const tiers: Array<[string, (now: () => number) => CacheTier]> = [
  ['MemoryCache', (now) => new MemoryCache({ now })],
  ['RedisCache', () => new RedisCache(redis(), { commandTimeoutMs: 1000 })],
];

describe.each(tiers)('cachedRoute over %s', (_name, makeCache) => {
  let c: ReturnType<typeof clock>;
  let cache: CacheTier;
  beforeEach(async () => {
    await redis().flushall();
    c = clock();
    cache = makeCache(c.now);
  });

  it('answers from the route first, then from the cache, with the source in headers', async () => {
    const { app, state } = shop(cache, { now: c.now });
    const first = await request(app).get('/products/7').expect(200);
    expect(first.body).toEqual({ id: '7', v: 1 });
    expect(first.headers['x-statuskit-source']).toBe('origin');
    expect(first.headers['cache-status']).toBe('statuskit; fwd=miss; stored');

    await settle(cache, 'product:product:7');
    state.version = 2;
    c.advance(400);
    const second = await request(app).get('/products/7').expect(200);
    expect(second.body).toEqual({ id: '7', v: 1 });
    expect(second.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(second.headers['x-statuskit-source']).toBe('cache');
    expect(second.headers['cache-status']).toBe('statuskit; hit; ttl=0');
    expect(second.headers.age).toBe('0');
    expect(state.calls).toBe(1);

    const head = await request(app).head('/products/7').expect(200);
    expect(head.headers['x-statuskit-source']).toBe('cache');
    expect(state.calls).toBe(1);
  });

  it('goes back to the route once the cached body is no longer fresh', async () => {
    const { app, state } = shop(cache, { now: c.now });
    await request(app).get('/products/7');
    await settle(cache, 'product:product:7');
    state.version = 2;
    c.advance(1000);
    const res = await request(app).get('/products/7').expect(200);
    expect(res.body).toEqual({ id: '7', v: 2 });
    expect(res.headers['x-statuskit-source']).toBe('origin');
    expect(res.headers['cache-status']).toBe('statuskit; fwd=stale; stored');
  });

  it.each<[Mode, number]>([
    ['throw', 500],
    ['reject', 500],
    ['503', 503],
  ])('serves the stale body when the route starts failing (%s)', async (mode, status) => {
    const { app, state } = shop(cache, { now: c.now });
    await request(app).get('/products/7');
    await settle(cache, 'product:product:7');
    state.mode = mode;
    c.advance(2500);
    const res = await request(app).get('/products/7').expect(200);
    expect(res.body).toEqual({ id: '7', v: 1 });
    expect(res.headers['x-statuskit-source']).toBe('stale');
    expect(res.headers['cache-status']).toBe(
      `statuskit; fwd=stale; fwd-status=${status}; ttl=-2; detail=stale-if-error`,
    );
    expect(res.headers.age).toBe('2');
    expect(res.text).not.toContain('hunter2');
  });

  it('stops serving the stale body at ttlMs + staleTtlMs', async () => {
    const { app, state } = shop(cache, { now: c.now });
    await request(app).get('/products/7');
    await settle(cache, 'product:product:7');
    state.mode = '503';
    c.advance(5000);
    const res = await request(app).get('/products/7').expect(503);
    expect(res.body).toEqual({ error: 'db down' });
    expect(res.headers['x-statuskit-source']).toBe('origin');
  });
});

describe('cachedRoute', () => {
  let c: ReturnType<typeof clock>;
  let cache: MemoryCache;
  beforeEach(() => {
    c = clock();
    cache = new MemoryCache({ now: c.now });
  });

  it('serves the stub, built from req.params, when the route fails and nothing is cached', async () => {
    const { app, state } = shop(cache, { stub: (req) => ({ id: req.params.id, name: 'unavailable' }) });
    state.mode = 'throw';
    const res = await request(app).get('/products/9').expect(200);
    expect(res.body).toEqual({ id: '9', name: 'unavailable' });
    expect(res.headers['x-statuskit-source']).toBe('stub');
    expect(res.headers['cache-status']).toBe('statuskit; fwd=miss; fwd-status=500; detail=stub');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('replaces the answer of the application error handler too', async () => {
    const handler: ErrorRequestHandler = (_err, _req, res, _next) => {
      res.status(500).json({ error: 'internal' });
    };
    const { app, state } = shop(cache, { stub: (req) => ({ id: req.params.id, stub: true }) }, handler);
    state.mode = 'reject';
    const res = await request(app).get('/products/3').expect(200);
    expect(res.body).toEqual({ id: '3', stub: true });
  });

  it('passes the error on when there is neither a stale body nor a stub', async () => {
    const handler: ErrorRequestHandler = (err: Error, _req, res, _next) => {
      res.status(500).json({ error: 'internal', seen: err.message.startsWith('database') });
    };
    const { app, state } = shop(cache, {}, handler);
    state.mode = 'throw';
    const res = await request(app).get('/products/9').expect(500);
    expect(res.body).toEqual({ error: 'internal', seen: true });
    expect(res.headers['x-statuskit-source']).toBe('origin');
  });

  it('lets the original failure through when the stub itself throws', async () => {
    const { app, state } = shop(cache, {
      stub: () => {
        throw new Error('stub broken');
      },
    });
    state.mode = '503';
    const res = await request(app).get('/products/9').expect(503);
    expect(res.body).toEqual({ error: 'db down' });
  });

  it('accepts an async stub', async () => {
    const { app, state } = shop(cache, { stub: async (req) => ({ id: req.params.id, async: true }) });
    state.mode = '503';
    const res = await request(app).get('/products/4').expect(200);
    expect(res.body).toEqual({ id: '4', async: true });
  });

  describe('when the route is slower than timeoutMs', () => {
    it('serves the stale body, and ignores what the route sends later', async () => {
      const { app, state } = shop(cache, { now: c.now, timeoutMs: 200 });
      await request(app).get('/products/7');
      state.mode = 'hang';
      c.advance(1500);
      const started = Date.now();
      const res = await request(app).get('/products/7').expect(200);
      expect(Date.now() - started).toBeLessThan(1200);
      expect(res.body).toEqual({ id: '7', v: 1 });
      expect(res.headers['x-statuskit-source']).toBe('stale');
      expect(res.headers['cache-status']).toBe('statuskit; fwd=stale; ttl=-1; detail=timeout');
      await new Promise((r) => setTimeout(r, 1500)); // the late res.json() must not throw
    });

    it('serves the stub', async () => {
      const { app, state } = shop(cache, { timeoutMs: 200, stub: () => ({ stub: true }) });
      state.mode = 'hang';
      const res = await request(app).get('/products/7').expect(200);
      expect(res.body).toEqual({ stub: true });
      expect(res.headers['cache-status']).toBe('statuskit; fwd=miss; detail=stub');
    });

    it('passes a TimeoutError on when there is nothing else to serve', async () => {
      const handler: ErrorRequestHandler = (err: Error, _req, res, _next) => {
        res.status(504).json({ error: err.name });
      };
      const { app, state } = shop(cache, { timeoutMs: 200 }, handler);
      state.mode = 'hang';
      const res = await request(app).get('/products/7').expect(504);
      expect(res.body).toEqual({ error: 'TimeoutError' });
      await new Promise((r) => setTimeout(r, 1500));
    });
  });

  it.each<[string, Mode]>([
    ['sets a cookie', 'cookie'],
    ['is Cache-Control: private', 'private'],
    ['is not JSON', 'text'],
    ['is not 2xx', '404'],
  ])('never caches a response that %s', async (_why, mode) => {
    const { app, state } = shop(cache);
    state.mode = mode;
    const first = await request(app).get('/products/1');
    expect(first.headers['cache-status']).toBe('statuskit; fwd=miss');
    await request(app).get('/products/1');
    expect(state.calls).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('never caches a response marked no-store', async () => {
    const app = express();
    let calls = 0;
    app.get(
      '/x',
      cachedRoute({ name: 'x', cache, key: () => 'x', ttlMs: 1000, registry: false }),
      (_req, res) => {
        calls++;
        res.set('Cache-Control', 'no-store').json({ calls });
      },
    );
    await request(app).get('/x');
    expect((await request(app).get('/x')).body).toEqual({ calls: 2 });
  });

  it('counts answers by tier and logs when the route starts and stops failing', async () => {
    const registry = new Registry();
    const { logger, lines } = logSink();
    const { app, state } = shop(cache, { now: c.now, registry, logger, stub: () => ({ stub: true }) });
    await request(app).get('/products/1'); // origin
    await request(app).get('/products/1'); // cache
    state.mode = '503';
    c.advance(2000);
    await request(app).get('/products/1'); // stale
    await request(app).get('/products/2'); // stub
    state.mode = 'ok';
    await request(app).get('/products/3'); // origin
    const metric = await registry.getSingleMetric('statuskit_fallback_total')!.get();
    const counts = Object.fromEntries(metric.values.map((v) => [v.labels.source, v.value]));
    expect(counts).toEqual({ cache: 1, source: 2, stale: 1, stub: 1, error: 0 });
    expect(lines.filter((l) => l.level >= LEVEL.info).map((l) => [l.level, l.msg])).toEqual([
      [LEVEL.warn, 'fallback "product" degraded: first source failed, answering from stale'],
      [LEVEL.info, 'fallback "product" recovered: the first source answers'],
    ]);
  });

  it('lets other methods through without caching', async () => {
    const app = express();
    app.post(
      '/x',
      cachedRoute({ name: 'x', cache, key: () => 'x', ttlMs: 1000, registry: false }),
      (_req, res) => {
        res.json({ ok: true });
      },
    );
    const res = await request(app).post('/x').expect(200);
    expect(res.headers['x-statuskit-source']).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('answers from the route, within the bound, while Redis is frozen', async () => {
    const redisCache = new RedisCache(redis(), { commandTimeoutMs: 100 });
    const { app } = shop(redisCache);
    server().freeze();
    try {
      const started = Date.now();
      const res = await request(app).get('/products/1').expect(200);
      expect(res.headers['x-statuskit-source']).toBe('origin');
      expect(Date.now() - started).toBeLessThan(100 + 900);
    } finally {
      server().resume();
    }
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ cache: {} }, 'cache'],
    [{ key: 'k' }, 'key'],
    [{ ttlMs: -1 }, 'ttlMs'],
    [{ staleTtlMs: 'x' }, 'staleTtlMs'],
    [{ stub: 1 }, 'stub'],
    [{ timeoutMs: -5 }, 'timeoutMs'],
  ])('validates %p at construction', (bad, option) => {
    const build = () =>
      cachedRoute({
        name: 'n',
        cache,
        key: () => 'k',
        ttlMs: 1,
        registry: false,
        ...(bad as object),
      } as never);
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(`\`${option}\``);
  });
});
