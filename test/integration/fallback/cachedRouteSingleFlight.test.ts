import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler, type Response } from 'express';
import type Redis from 'ioredis';
import request from 'supertest';
import { cachedRoute } from '../../../middleware/cachedRoute/cachedRoute';
import type { CachedRouteOptions } from '../../../middleware/cachedRoute/CachedRouteOptions';
import type { CacheTier } from '../../../src/cache/CacheTier';
import { MemoryCache } from '../../../src/cache/MemoryCache';
import { RedisCache } from '../../../src/cache/RedisCache';
import { ConfigError } from '../../../src/errors/ConfigError';
import { clock } from '../../support/clock';
import { readyClient } from '../../support/redisClient';
import { useRedisServer } from '../../support/useRedisServer';
import { waitFor } from '../../support/waitFor';
import { MAX_POLL_MS } from '../../../src/fallback/FleetSingleFlight';

const COMMAND_TIMEOUT_MS = 100;
const MARGIN_MS = 1500; // a busy 2-core machine; a hang would be unbounded

const suite = useRedisServer();
const servers: Server[] = [];
const clients: Redis[] = [];
afterEach(async () => {
  suite.server().resume();
  for (const c of clients.splice(0)) c.disconnect();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A route counting its runs and how many overlap; `handler` answers (`n`: this run's number). */
function route(
  cache: CacheTier,
  handler: (n: number, res: Response) => Promise<void> | void,
  opts: Partial<CachedRouteOptions> = {},
) {
  const stats = { runs: 0, running: 0, maxRunning: 0 };
  const app = express();
  const run: RequestHandler = async (_req, res) => {
    const n = ++stats.runs;
    stats.running++;
    stats.maxRunning = Math.max(stats.maxRunning, stats.running);
    try {
      await handler(n, res);
    } finally {
      stats.running--;
    }
  };
  app.get(
    '/p/:id',
    cachedRoute({
      name: 'p',
      cache,
      key: (req) => String(req.params.id),
      ttlMs: 60_000,
      registry: false,
      ...opts,
    }),
    run,
  );
  const server = app.listen(0);
  servers.push(server);
  return { server, stats };
}

const slowJson = (ms: number) => async (n: number, res: Response) => {
  await sleep(ms);
  res.json({ n });
};

async function redisCache(): Promise<RedisCache> {
  const client = await readyClient(suite.server().url);
  clients.push(client);
  return new RedisCache(client, { commandTimeoutMs: COMMAND_TIMEOUT_MS });
}

const get = (server: Server, path = '/p/1') =>
  request(server)
    .get(path)
    .then((r) => r);

describe.each([
  ['MemoryCache', async () => new MemoryCache() as CacheTier],
  ['RedisCache', redisCache],
])("cachedRoute({ singleFlight: 'process' }) over %s", (_tier, makeCache) => {
  beforeEach(() => suite.redis().flushall());

  it('20 concurrent requests for a cold key: the route runs once, 19 answers come from the cache', async () => {
    const { server, stats } = route(await makeCache(), slowJson(150));
    const answers = await Promise.all(Array.from({ length: 20 }, () => get(server)));
    expect(stats.runs).toBe(1);
    expect(new Set(answers.map((a) => a.text))).toEqual(new Set(['{"n":1}']));
    const sources = answers.map((a) => a.headers['x-statuskit-source']);
    expect(sources.filter((s) => s === 'origin')).toHaveLength(1);
    expect(sources.filter((s) => s === 'cache')).toHaveLength(19);
    // A held request reads the entry the moment it is stored: its ttl is the full 60 s when that is
    // within the same millisecond, 59 once one has passed.
    for (const a of answers.filter((x) => x.headers['x-statuskit-source'] === 'cache')) {
      expect(a.headers['cache-status']).toMatch(/^statuskit; fwd=miss; collapsed; ttl=(59|60)$/);
    }
    // The key is fresh now: the next request is a plain hit.
    expect((await get(server)).headers['cache-status']).toMatch(/^statuskit; hit; ttl=(59|60)$/);
  });

  it('the holder answers 500: nobody else gets it, the next request runs the route, the rest get its body', async () => {
    const { server, stats } = route(await makeCache(), async (n, res) => {
      await sleep(80);
      if (n === 1) res.status(500).json({ error: 'down' });
      else res.json({ n });
    });
    const answers = await Promise.all(Array.from({ length: 10 }, () => get(server)));
    expect(stats.runs).toBe(2);
    expect(stats.maxRunning).toBe(1);
    expect(answers.filter((a) => a.status === 500)).toHaveLength(1);
    expect(answers.filter((a) => a.text === '{"n":2}')).toHaveLength(9);
  });

  it("a route that varies: held requests get the holder's body only when it is their variant", async () => {
    const { server, stats } = route(await makeCache(), async (n, res) => {
      await sleep(80);
      res.set('Vary', 'Accept-Language').json({ n, lang: res.req.headers['accept-language'] });
    });
    const ask = (lang: string) =>
      request(server)
        .get('/p/1')
        .set('Accept-Language', lang)
        .then((r) => r);
    const langs = ['fr', 'fr', 'en', 'fr', 'en'];
    const answers = await Promise.all(langs.map(ask));
    expect(stats.runs).toBe(2);
    expect(stats.maxRunning).toBe(1);
    expect(answers.map((a) => (a.body as { lang: string }).lang)).toEqual(langs);
    expect(answers.filter((a) => a.headers['x-statuskit-source'] === 'cache')).toHaveLength(3);
  });

  it('answers refused by their headers reach only their own request, one run at a time; then the key stops holding', async () => {
    const { server, stats } = route(await makeCache(), async (n, res) => {
      await sleep(40);
      res.set('Cache-Control', 'no-store').json({ n });
    });
    const first = await Promise.all(Array.from({ length: 5 }, () => get(server)));
    expect(first.map((a) => (a.body as { n: number }).n).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5]);
    expect(first.every((a) => a.headers['x-statuskit-source'] === 'origin')).toBe(true);
    expect(stats.maxRunning).toBe(1);
    // The key answered unstorably: its next requests are let through together, not queued.
    const second = await Promise.all(Array.from({ length: 5 }, () => get(server)));
    expect(second.map((a) => (a.body as { n: number }).n).sort((x, y) => x - y)).toEqual([6, 7, 8, 9, 10]);
    expect(stats.maxRunning).toBeGreaterThan(1);
  });
});

describe('a holder whose route fails while a stale body is left', () => {
  it('shares the stale answer: the origin is asked once, no held request gets a 5xx', async () => {
    const c = clock();
    let down = false;
    const { server, stats } = route(
      new MemoryCache({ now: c.now }),
      async (n, res) => {
        await sleep(80);
        if (down) res.status(503).json({ error: 'down' });
        else res.json({ n });
      },
      { staleTtlMs: 600_000, now: c.now },
    );
    expect((await get(server)).text).toBe('{"n":1}');
    c.advance(61_000);
    down = true;
    const answers = await Promise.all(Array.from({ length: 10 }, () => get(server)));
    expect(stats.runs).toBe(2);
    expect(answers.map((a) => [a.status, a.text, a.headers['x-statuskit-source']])).toEqual(
      answers.map(() => [200, '{"n":1}', 'stale']),
    );
    expect(new Set(answers.map((a) => a.headers['cache-status']))).toEqual(
      new Set(['statuskit; fwd=stale; fwd-status=503; ttl=-1; detail=stale-if-error']),
    );
  });
});

describe('the wait is bounded', () => {
  it('a holder stuck in a route without timeoutMs holds its key 2.1 s: then the next request runs the route', async () => {
    const { server, stats } = route(new MemoryCache(), async (n, res) => {
      if (n === 1) await new Promise(() => undefined);
      res.json({ n });
    });
    const { port } = server.address() as AddressInfo;
    const stuck = http.get({ port, path: '/p/1' });
    stuck.on('error', () => undefined);
    try {
      await waitFor(() => stats.runs === 1);
      const started = Date.now();
      const next = await get(server);
      const tookMs = Date.now() - started;
      expect(next.text).toBe('{"n":2}');
      expect(tookMs).toBeGreaterThanOrEqual(2100 - 100);
      expect(tookMs).toBeLessThan(2100 + MARGIN_MS);
    } finally {
      stuck.destroy();
    }
  });

  it("'fleet': an instance that holds the lease and never writes is waited for two leases, then the route runs once here", async () => {
    const timeoutMs = 300;
    const cache = await redisCache();
    const { server, stats } = route(cache, slowJson(10), { singleFlight: 'fleet', timeoutMs });
    await cache.fleetLease().acquire('p:1', 'another-instance', 60_000);
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 5 }, () => get(server)));
    const tookMs = Date.now() - started;
    expect(stats.runs).toBe(1);
    expect(new Set(answers.map((a) => a.text))).toEqual(new Set(['{"n":1}']));
    const leaseMs = timeoutMs + 2 * COMMAND_TIMEOUT_MS;
    const waitMs = 2 * leaseMs + MAX_POLL_MS + COMMAND_TIMEOUT_MS;
    expect(tookMs).toBeGreaterThanOrEqual(waitMs - 50);
    expect(tookMs).toBeLessThan(waitMs + MARGIN_MS);
  });
});

describe('a held request whose client disconnects', () => {
  it('is dropped: it never runs the route later, not as a successor nor at its bound', async () => {
    let release: () => void = () => undefined;
    const { server, stats } = route(
      new MemoryCache(),
      async (_n, res) => {
        await new Promise<void>((r) => (release = r));
        res.status(503).json({ error: 'down' });
      },
      { timeoutMs: 200 },
    );
    const holder = get(server);
    await waitFor(() => stats.runs === 1);
    const { port } = server.address() as AddressInfo;
    const held = http.get({ port, path: '/p/1' });
    held.on('error', () => undefined);
    await sleep(50);
    held.destroy();
    // The holder times out (a 500 from the error handler, not storable), then its route ends.
    expect((await holder).status).toBe(500);
    release();
    // Past the held request's bound (2 × (200 + 100) ms): nothing ran for it.
    await sleep(800);
    expect(stats.runs).toBe(1);
  });
});

describe("cachedRoute({ singleFlight: 'fleet' })", () => {
  beforeEach(() => suite.redis().flushall());

  it('two instances × 10 concurrent requests for a cold key: the route runs once', async () => {
    const runs = { n: 0 };
    const handler = async (_n: number, res: Response) => {
      const n = ++runs.n;
      await sleep(150);
      res.json({ n });
    };
    const fleet = await Promise.all(
      [1, 2].map(async () => route(await redisCache(), handler, { singleFlight: 'fleet', timeoutMs: 1000 })),
    );
    const answers = await Promise.all(
      fleet.flatMap(({ server }) => Array.from({ length: 10 }, () => get(server))),
    );
    expect(runs.n).toBe(1);
    expect(new Set(answers.map((a) => a.text))).toEqual(new Set(['{"n":1}']));
    expect(answers.filter((a) => a.headers['x-statuskit-source'] === 'cache')).toHaveLength(19);
    expect(await suite.redis().exists('statuskit:{cache}:~lease:p:1')).toBe(0);
  });

  it('frozen Redis: every request answered within the bounds, the route once per process', async () => {
    const timeoutMs = 1000;
    const { server, stats } = route(await redisCache(), slowJson(20), { singleFlight: 'fleet', timeoutMs });
    suite.server().freeze();
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 20 }, () => get(server)));
    const tookMs = Date.now() - started;
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map((a) => a.text))).toEqual(new Set(['{"n":1}']));
    expect(stats.runs).toBe(1);
    // The cache read's bound, then the lease's; the held requests take the holder's body.
    expect(tookMs).toBeLessThan(2 * COMMAND_TIMEOUT_MS + MAX_POLL_MS + MARGIN_MS);
  });

  it('Redis down: every request answered at once, the route once per process', async () => {
    const cache = await redisCache();
    const client = clients[clients.length - 1];
    const { server, stats } = route(cache, slowJson(20), { singleFlight: 'fleet', timeoutMs: 1000 });
    client.disconnect(); // known down: every command fails at once
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 20 }, () => get(server)));
    const tookMs = Date.now() - started;
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map((a) => a.text))).toEqual(new Set(['{"n":1}']));
    expect(stats.runs).toBe(1);
    // No Redis bound is waited for: the route's 20 ms and the machine's margin.
    expect(tookMs).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
  });
});

describe('cachedRoute singleFlight options', () => {
  const base = { name: 'x', key: () => 'k', ttlMs: 1000, timeoutMs: 500 };

  it("refuses 'fleet' without a RedisCache, naming the option", () => {
    expect(() => cachedRoute({ ...base, cache: new MemoryCache(), singleFlight: 'fleet' })).toThrow(
      ConfigError,
    );
    expect(() => cachedRoute({ ...base, cache: new MemoryCache(), singleFlight: 'fleet' })).toThrow(
      /`singleFlight`.*RedisCache.*MemoryCache/,
    );
  });

  it('refuses unknown values and what a fleet cannot work with', () => {
    const cache = new RedisCache(suite.redis());
    expect(() => cachedRoute({ ...base, cache, singleFlight: 'cluster' as 'fleet' })).toThrow(
      /`singleFlight` must be one of "process", "fleet"/,
    );
    expect(() => cachedRoute({ ...base, cache, ttlMs: 0, singleFlight: 'fleet' })).toThrow(/`ttlMs`/);
    expect(() => cachedRoute({ ...base, cache, timeoutMs: 0, singleFlight: 'fleet' })).toThrow(
      /`timeoutMs`.*finite and above 0.*lease/,
    );
    expect(() => cachedRoute({ ...base, cache, timeoutMs: undefined, singleFlight: 'fleet' })).toThrow(
      /`timeoutMs`/,
    );
    expect(typeof cachedRoute({ ...base, cache, singleFlight: 'fleet' })).toBe('function');
    expect(typeof cachedRoute({ ...base, cache: new MemoryCache(), singleFlight: 'process' })).toBe(
      'function',
    );
  });
});
