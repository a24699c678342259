import type { Server } from 'node:http';
import express from 'express';
import request from 'supertest';
import { cachedRoute } from '../../../middleware/cachedRoute/cachedRoute';
import type { CachedRouteOptions } from '../../../middleware/cachedRoute/CachedRouteOptions';
import type { CacheTier } from '../../../src/cache/CacheTier';
import { MemoryCache } from '../../../src/cache/MemoryCache';
import { RedisCache } from '../../../src/cache/RedisCache';
import { ConfigError } from '../../../src/errors/ConfigError';
import { clock, type ManualClock } from '../../support/clock';
import { useRedisServer } from '../../support/useRedisServer';
import { waitFor } from '../../support/waitFor';

const { redis } = useRedisServer();

/** A product route whose every run the test releases by hand; each run takes 50 ms of the clock. */
function shop(c: ManualClock, cache: CacheTier, opts: Partial<CachedRouteOptions>) {
  const runs: Array<(outcome: 'ok' | 'fail') => void> = [];
  let version = 0;
  const app = express();
  app.get(
    '/p/:id',
    cachedRoute({
      name: 'p',
      cache,
      key: (req) => String(req.params.id),
      ttlMs: 1000,
      staleTtlMs: 60_000,
      now: c.now,
      registry: false,
      ...opts,
    }),
    async (req, res) => {
      const outcome = await new Promise<'ok' | 'fail'>((r) => runs.push(r));
      c.advance(50);
      if (outcome === 'fail') res.status(503).json({ error: 'down' });
      else res.json({ id: req.params.id, v: ++version });
    },
  );
  const server: Server = app.listen(0);
  return { server, runs };
}

const tiers: Array<[string, (now: () => number) => CacheTier]> = [
  ['MemoryCache', (now) => new MemoryCache({ now })],
  ['RedisCache', () => new RedisCache(redis(), { commandTimeoutMs: 1000 })],
];

describe.each(tiers)('cachedRoute refresh over %s', (_name, makeCache) => {
  let c: ManualClock;
  let cache: CacheTier;
  let server: Server | undefined;
  beforeEach(async () => {
    await redis().flushall();
    c = clock();
    cache = makeCache(c.now);
  });
  afterEach(async () => {
    const s = server;
    server = undefined;
    if (s === undefined) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  });

  async function warm(runs: Array<(o: 'ok' | 'fail') => void>) {
    const first = request(server!).get('/p/1');
    const done = first.then((r) => r);
    await waitFor(() => runs.length === 1);
    runs[0]('ok');
    expect((await done).headers['x-statuskit-source']).toBe('origin');
    await waitFor(async () => (await cache.get('p:1')) !== undefined);
  }

  it('earlyRefresh: one request near expiry refreshes at the origin, the others are answered from the cache at once', async () => {
    let random = 1e-12;
    const s = shop(c, cache, { earlyRefresh: true, random: () => random });
    server = s.server;
    await warm(s.runs);
    expect(await cache.get('p:1')).toMatchObject({ sourceMs: 50 });
    c.advance(900);
    const all = Array.from({ length: 20 }, () =>
      request(server!)
        .get('/p/1')
        .then((r) => r),
    );
    await waitFor(() => s.runs.length === 2);
    // While the refresh is held at the origin, the 19 others come back from the cache.
    const answered: string[] = [];
    for (const p of all) void p.then((r) => answered.push(String(r.headers['x-statuskit-source'])));
    await waitFor(() => answered.length === 19);
    expect(answered.every((a) => a === 'cache')).toBe(true);
    s.runs[1]('ok');
    const responses = await Promise.all(all);
    const origin = responses.filter((r) => r.headers['x-statuskit-source'] === 'origin');
    expect(origin).toHaveLength(1);
    expect(origin[0].headers['cache-status']).toBe('statuskit; fwd=stale; stored; detail=early-refresh');
    expect(origin[0].body).toEqual({ id: '1', v: 2 });
    random = 0.999999; // so that the reads below are plain hits
    await waitFor(async () => (await request(server!).get('/p/1')).body.v === 2);
    expect(s.runs).toHaveLength(2);
  });

  it('earlyRefresh with random near 1 does not refresh far from expiry', async () => {
    const s = shop(c, cache, { earlyRefresh: true, random: () => 0.999999 });
    server = s.server;
    await warm(s.runs);
    c.advance(900);
    const r = await request(server).get('/p/1');
    expect(r.headers['x-statuskit-source']).toBe('cache');
    expect(s.runs).toHaveLength(1);
  });

  it('a failed early refresh answers the body still fresh, as a cache answer', async () => {
    const s = shop(c, cache, { earlyRefresh: true, random: () => 1e-12 });
    server = s.server;
    await warm(s.runs);
    c.advance(500);
    const p = request(server)
      .get('/p/1')
      .then((r) => r);
    await waitFor(() => s.runs.length === 2);
    s.runs[1]('fail');
    const r = await p;
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: '1', v: 1 });
    expect(r.headers['x-statuskit-source']).toBe('cache');
  });

  it('staleWhileRevalidate: one request refreshes, the others get the stale body at once with Age', async () => {
    const s = shop(c, cache, { staleWhileRevalidate: true });
    server = s.server;
    await warm(s.runs);
    c.advance(2500);
    const all = Array.from({ length: 20 }, () =>
      request(server!)
        .get('/p/1')
        .then((r) => r),
    );
    await waitFor(() => s.runs.length === 2);
    const answered: Array<Record<string, string>> = [];
    for (const p of all) void p.then((r) => answered.push(r.headers as Record<string, string>));
    await waitFor(() => answered.length === 19);
    for (const h of answered) {
      expect(h['x-statuskit-source']).toBe('stale');
      expect(h['cache-status']).toBe('statuskit; hit; ttl=-2; detail=stale-while-revalidate');
      expect(h.age).toBe('2');
    }
    s.runs[1]('ok');
    const origin = (await Promise.all(all)).filter((r) => r.headers['x-statuskit-source'] === 'origin');
    expect(origin).toHaveLength(1);
    expect(origin[0].headers['cache-status']).toBe('statuskit; fwd=stale; stored');
    await waitFor(async () => (await request(server!).get('/p/1')).body.v === 2);
    expect(s.runs).toHaveLength(2);
  });

  it('without staleWhileRevalidate, one request for an expired body goes to the origin; the others get its body', async () => {
    const s = shop(c, cache, {});
    server = s.server;
    await warm(s.runs);
    c.advance(2500);
    const all = Array.from({ length: 5 }, () =>
      request(server!)
        .get('/p/1')
        .then((r) => r),
    );
    await waitFor(() => s.runs.length === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(s.runs).toHaveLength(2);
    s.runs[1]('ok');
    const answers = await Promise.all(all);
    expect(answers.map((r) => r.headers['x-statuskit-source']).sort()).toEqual([
      'cache',
      'cache',
      'cache',
      'cache',
      'origin',
    ]);
    expect(new Set(answers.map((r) => r.body.v))).toEqual(new Set([2]));
  });
});

describe('cachedRoute refresh options', () => {
  it.each([
    [{ staleWhileRevalidate: true, staleTtlMs: 0 }, 'staleWhileRevalidate'],
    [{ earlyRefresh: true, ttlMs: 0 }, 'earlyRefresh'],
    [{ earlyRefresh: { beta: -2 } }, 'earlyRefresh.beta'],
  ])('%j throws a ConfigError naming %s', (opts, option) => {
    expect(() =>
      cachedRoute({ name: 'p', cache: new MemoryCache(), key: () => 'k', ttlMs: 1000, ...opts }),
    ).toThrow(expect.objectContaining({ name: 'ConfigError', option }) as ConfigError);
  });
});
