import express, { type Express, type RequestHandler } from 'express';
import session from 'express-session';
import request from 'supertest';
import { cachedRoute } from '../../../middleware/cachedRoute/cachedRoute';
import type { CachedRouteOptions } from '../../../middleware/cachedRoute/CachedRouteOptions';
import type { CacheTier } from '../../../src/cache/CacheTier';
import { MemoryCache } from '../../../src/cache/MemoryCache';
import { RedisCache } from '../../../src/cache/RedisCache';
import { ConfigError } from '../../../src/errors/ConfigError';
import { fallback } from '../../../src/fallback/fallback';
import { clock } from '../../support/clock';
import { useRedisServer } from '../../support/useRedisServer';

const { redis } = useRedisServer();

/** Waits until the route's fire-and-forget write has landed under `key` (as the tier sees it). */
async function settle(cache: CacheTier, key: string): Promise<void> {
  for (let i = 0; i < 200 && (await cache.get(key)) === undefined; i++)
    await new Promise((r) => setTimeout(r, 5));
}

/** A little time for a write the route should NOT have made to land anyway. */
const pause = () => new Promise((r) => setTimeout(r, 30));

interface App {
  app: Express;
  calls: () => number;
}

/** `/me/:id`, cached with `opts`, answering what `handler` answers; counts the route's calls. */
function appWith(
  cache: CacheTier,
  handler: RequestHandler,
  opts: Partial<CachedRouteOptions> = {},
  before: RequestHandler[] = [],
): App {
  let calls = 0;
  const app = express();
  for (const mw of before) app.use(mw);
  app.get(
    '/me/:id',
    cachedRoute({
      name: 'me',
      cache,
      key: (req) => `me:${String(req.params.id)}`,
      ttlMs: 10_000,
      staleTtlMs: 60_000,
      registry: false,
      now: c.now,
      ...opts,
    }),
    (req, res, next) => {
      calls++;
      return handler(req, res, next);
    },
  );
  return { app, calls: () => calls };
}

const whoAmI: RequestHandler = (req, res) => {
  res.json({ user: req.headers.authorization ?? null, cookie: req.headers.cookie ?? null });
};

const tiers: Array<[string, (now: () => number) => CacheTier]> = [
  ['MemoryCache', (now) => new MemoryCache({ now })],
  ['RedisCache', () => new RedisCache(redis(), { commandTimeoutMs: 1000 })],
];

let c: ReturnType<typeof clock>;

describe.each(tiers)('cachedRoute is a shared cache, over %s', (_tier, makeCache) => {
  let cache: CacheTier;
  beforeEach(async () => {
    await redis().flushall();
    c = clock();
    cache = makeCache(c.now);
  });

  describe('requests with credentials', () => {
    it.each([
      ['Authorization', 'Bearer user-a', 'Bearer user-b'],
      ['Cookie', 'sid=user-a', 'sid=user-b'],
    ])('never serves one %s holder what another was answered', async (header, a, b) => {
      const { app, calls } = appWith(cache, (req, res) => {
        res.vary('Authorization').json({ user: req.get(header) });
      });
      const first = await request(app).get('/me/1').set(header, a).expect(200);
      expect(first.body).toEqual({ user: a });
      await pause();
      const second = await request(app).get('/me/1').set(header, b).expect(200);
      expect(second.body).toEqual({ user: b });
      expect(second.headers['x-statuskit-source']).toBe('origin');
      expect(second.headers['cache-status']).toBe('statuskit; fwd=bypass');
      expect(calls()).toBe(2);
      expect(await cache.get('me:me:1')).toBeUndefined();
    });

    it('are not served a body an anonymous request stored', async () => {
      const { app } = appWith(cache, whoAmI);
      await request(app).get('/me/1').expect(200);
      await settle(cache, 'me:me:1');
      const res = await request(app).get('/me/1').set('Authorization', 'Bearer a').expect(200);
      expect(res.body).toEqual({ user: 'Bearer a', cookie: null });
      expect(res.headers['x-statuskit-source']).toBe('origin');
    });

    it("are cached per key with authenticated: 'cache', when the key names the user", async () => {
      const { app, calls } = appWith(cache, whoAmI, {
        authenticated: 'cache',
        key: (req) => `me:${String(req.params.id)}:${String(req.headers.authorization)}`,
      });
      await request(app).get('/me/1').set('Authorization', 'Bearer user-a').expect(200);
      await settle(cache, 'me:me:1:Bearer user-a');
      const again = await request(app).get('/me/1').set('Authorization', 'Bearer user-a').expect(200);
      expect(again.headers['x-statuskit-source']).toBe('cache');
      expect(again.body).toEqual({ user: 'Bearer user-a', cookie: null });
      const other = await request(app).get('/me/1').set('Authorization', 'Bearer user-b').expect(200);
      expect(other.body).toEqual({ user: 'Bearer user-b', cookie: null });
      expect(calls()).toBe(2);
    });

    it("answer a malformed Cookie header without a 5xx, with authenticated: 'cache'", async () => {
      const { app } = appWith(cache, whoAmI, { authenticated: 'cache' }, [
        session({ secret: 's3cret', resave: false, saveUninitialized: false }),
      ]);
      const res = await request(app)
        .get('/me/1')
        .set('Cookie', ';;=%E0%A4%A;connect.sid=s%3A%ZZ')
        .expect(200);
      expect(res.headers['x-statuskit-source']).toBe('origin');
    });
  });

  describe('responses that must not be stored', () => {
    it.each<[string, RequestHandler]>([
      ['Cache-Control: no-cache', (_q, res) => void res.set('Cache-Control', 'no-cache').json({ n: 1 })],
      ['Cache-Control: private', (_q, res) => void res.set('Cache-Control', 'private').json({ n: 1 })],
      ['Vary: *', (_q, res) => void res.set('Vary', '*').json({ n: 1 })],
      ['a malformed Vary', (_q, res) => void res.set('Vary', 'Accept-Language, (bad)').json({ n: 1 })],
      ['Set-Cookie', (_q, res) => void res.cookie('a', 'b').json({ n: 1 })],
    ])('%s is answered, not stored', async (_why, handler) => {
      const { app, calls } = appWith(cache, handler);
      const first = await request(app).get('/me/1').expect(200);
      expect(first.body).toEqual({ n: 1 });
      expect(first.headers['cache-status']).toBe('statuskit; fwd=miss');
      await pause();
      await request(app).get('/me/1').expect(200);
      expect(calls()).toBe(2);
    });

    it('a Set-Cookie added by an on-headers hook (express-session) is judged too', async () => {
      const { app, calls } = appWith(cache, whoAmI, {}, [
        session({ secret: 's3cret', resave: false, saveUninitialized: true }),
      ]);
      const first = await request(app).get('/me/1').expect(200);
      expect(first.headers['set-cookie']?.[0]).toMatch(/^connect\.sid=/);
      expect(first.headers['cache-status']).toBe('statuskit; fwd=miss');
      await pause();
      const second = await request(app).get('/me/1').expect(200);
      expect(second.headers['x-statuskit-source']).toBe('origin');
      expect(calls()).toBe(2);
      expect(await cache.get('me:me:1')).toBeUndefined();
    });
  });

  describe('Vary', () => {
    const byLanguage: RequestHandler = (req, res) => {
      res.vary('Accept-Language').json({ lang: req.get('Accept-Language') ?? 'none' });
    };

    it('keeps one entry per value of the named request headers', async () => {
      const { app, calls } = appWith(cache, byLanguage);
      await request(app).get('/me/1').set('Accept-Language', 'en').expect(200);
      await settle(cache, 'me:me:1;vary;accept-language=en');
      const fr = await request(app).get('/me/1').set('Accept-Language', 'fr').expect(200);
      expect(fr.body).toEqual({ lang: 'fr' });
      expect(fr.headers['x-statuskit-source']).toBe('origin');
      await settle(cache, 'me:me:1;vary;accept-language=fr');
      const en = await request(app).get('/me/1').set('Accept-Language', 'en').expect(200);
      expect(en.body).toEqual({ lang: 'en' });
      expect(en.headers['x-statuskit-source']).toBe('cache');
      expect(en.headers.vary).toBe('Accept-Language');
      const none = await request(app).get('/me/1').expect(200);
      expect(none.body).toEqual({ lang: 'none' });
      const fr2 = await request(app).get('/me/1').set('Accept-Language', 'fr').expect(200);
      expect(fr2.body).toEqual({ lang: 'fr' });
      expect(fr2.headers['x-statuskit-source']).toBe('cache');
      expect(calls()).toBe(3);
    });

    it('serves the stale body of the same variant when the route fails', async () => {
      let fail = false;
      const { app } = appWith(cache, (req, res, next) =>
        fail ? next(new Error('down')) : byLanguage(req, res, next),
      );
      await request(app).get('/me/1').set('Accept-Language', 'de').expect(200);
      await settle(cache, 'me:me:1;vary;accept-language=de');
      fail = true;
      c.advance(20_000);
      const de = await request(app).get('/me/1').set('Accept-Language', 'de').expect(200);
      expect(de.body).toEqual({ lang: 'de' });
      expect(de.headers['x-statuskit-source']).toBe('stale');
      await request(app).get('/me/1').set('Accept-Language', 'it').expect(500);
    });
  });

  describe('a stored answer replays the route’s own headers', () => {
    const listing: RequestHandler = (_req, res) => {
      res
        .set('X-Total-Count', '42')
        .set('Cache-Control', 'public, max-age=60')
        .set('Content-Language', 'en')
        .set('Link', '</me/2>; rel="next"')
        .set('Connection', 'keep-alive')
        .type('application/problem+json')
        .send(JSON.stringify({ items: [1, 2] }));
    };
    const own = {
      'x-total-count': '42',
      'cache-control': 'public, max-age=60',
      'content-language': 'en',
      link: '</me/2>; rel="next"',
      'content-type': 'application/problem+json; charset=utf-8',
    };

    it('on a hit, with Age in whole seconds', async () => {
      const { app } = appWith(cache, listing);
      const first = await request(app).get('/me/1').expect(200);
      expect(first.headers).toMatchObject(own);
      await settle(cache, 'me:me:1');
      c.advance(2_700);
      const hit = await request(app).get('/me/1').expect(200);
      expect(hit.headers['x-statuskit-source']).toBe('cache');
      expect(hit.headers).toMatchObject({ ...own, age: '2' });
      expect(hit.body).toEqual({ items: [1, 2] });
      expect(hit.headers['content-length']).toBe(String(hit.text.length));
    });

    it('on a stale answer, without the failed answer’s headers', async () => {
      let fail = false;
      const { app } = appWith(cache, (req, res, next) => {
        if (!fail) return listing(req, res, next);
        res.set('Cache-Control', 'no-store').set('X-Error', 'db').status(503).json({ error: 'down' });
      });
      await request(app).get('/me/1').expect(200);
      await settle(cache, 'me:me:1');
      fail = true;
      c.advance(13_000);
      const stale = await request(app).get('/me/1').expect(200);
      expect(stale.headers['x-statuskit-source']).toBe('stale');
      expect(stale.headers).toMatchObject({ ...own, age: '13' });
      expect(stale.headers['x-error']).toBeUndefined();
    });

    it('but never a Set-Cookie of its own request nor hop-by-hop headers', async () => {
      const { app } = appWith(cache, listing, {}, [
        (_req, res, next) => {
          res.set('X-Request-Id', String(Math.random()));
          next();
        },
      ]);
      const first = await request(app).get('/me/1').expect(200);
      await settle(cache, 'me:me:1');
      const hit = await request(app).get('/me/1').expect(200);
      expect(hit.headers['x-statuskit-source']).toBe('cache');
      expect(hit.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
      const stored = (await cache.get('me:me:1'))?.value as { headers: Record<string, unknown> };
      expect(Object.keys(stored.headers).sort()).toEqual([
        'cache-control',
        'content-language',
        'content-type',
        'etag',
        'link',
        'x-total-count',
      ]);
    });
  });

  it('keeps a fallback and a cachedRoute with the same key function apart', async () => {
    const key = (id: string) => `product:${id}`;
    const products = fallback({
      name: 'catalog',
      key,
      cache,
      ttlMs: 10_000,
      now: c.now,
      registry: false,
      sources: [async (id: string) => ({ id, price: 9.5 })],
    });
    const app = express();
    app.get(
      '/products/:id',
      cachedRoute({
        name: 'product-page',
        cache,
        key: (req) => key(String(req.params.id)),
        ttlMs: 10_000,
        registry: false,
        now: c.now,
      }),
      (req, res) => {
        res.json({ page: req.params.id });
      },
    );
    await request(app).get('/products/42').expect(200);
    await settle(cache, 'product-page:product:42');
    const first = await products.get('42');
    expect(first).toEqual({ value: { id: '42', price: 9.5 }, source: 'source', sourceIndex: 0 });
    await settle(cache, 'catalog:product:42');
    expect((await products.get('42')).value).toEqual({ id: '42', price: 9.5 });
    const page = await request(app).get('/products/42').expect(200);
    expect(page.body).toEqual({ page: '42' });
    expect(page.headers['x-statuskit-source']).toBe('cache');

    await products.invalidate('42');
    expect(await cache.get('catalog:product:42')).toBeUndefined();
    expect(await cache.get('product-page:product:42')).toBeDefined();
  });
});

describe('cachedRoute options', () => {
  it.each([['yes'], [true], ['CACHE']])('refuses authenticated: %p, naming it', (bad) => {
    const build = () =>
      cachedRoute({
        name: 'n',
        cache: new MemoryCache(),
        key: () => 'k',
        ttlMs: 1,
        registry: false,
        authenticated: bad as never,
      });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow('`authenticated`');
  });
});
