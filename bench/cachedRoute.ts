/**
 * Per-request cost of a `cachedRoute` hit, in-process: the same Express route bare and behind
 * `cachedRoute` on a warm `MemoryCache` (plain, and answering with `Vary`, which costs a second tier
 * read), requests injected without sockets (light-my-request), variants shuffled round by round,
 * CPU time per request from `process.cpuUsage()`, reported against bare in the same round.
 *
 * Then the middleware alone, called directly on a socket-less Node request/response pair (no
 * Express routing, no injection library): the hit path's own cost, against a bare `res.end`.
 *
 * Run: npx tsc -p tsconfig.bench.json; node dist-bench/bench/cachedRoute.js [<other dist-bench>]
 * With another compiled tree (e.g. an older commit's `dist-bench`), its `cachedRoute` is measured in
 * the same process and rounds, as the `base` variants: a before/after comparison free of run-to-run
 * drift.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import { inject, type DispatchFunc } from 'light-my-request';
import { cachedRoute } from '../middleware/cachedRoute/cachedRoute';
import { MemoryCache } from '../src/cache/MemoryCache';
import { currentOptions } from './lib/options';
import { pairedDeltas, pairedRatios, shuffled, summarize } from './lib/stats';

type CachedRouteFn = typeof cachedRoute;
type CacheCtor = typeof MemoryCache;
interface Kit {
  cachedRoute: CachedRouteFn;
  MemoryCache: CacheCtor;
}

interface Variant {
  label: string;
  dispatch: DispatchFunc;
  headers: Record<string, string>;
}

const URL = '/products/42';
const product = { id: '42', name: 'Teapot', price: 9.99, tags: ['kitchen', 'tea'] };

/** The bench route; `plain`: no header of its own, so a hit replays only its Content-Type. */
function handler(vary: boolean, plain = false): RequestHandler {
  return (_req, res) => {
    if (vary) res.vary('Accept-Language');
    if (!plain) res.set('X-Total-Count', '1');
    res.json(product);
  };
}

/** `kit`'s `cachedRoute` for the bench route, on a fresh `MemoryCache` that keeps bodies a day. */
function middleware(kit: Kit): RequestHandler {
  return kit.cachedRoute({
    name: 'product',
    cache: new kit.MemoryCache(),
    key: (req) => `product:${String(req.params.id)}`,
    ttlMs: 24 * 3600_000,
    registry: false,
  });
}

function app(kit: Kit | undefined, vary: boolean): DispatchFunc {
  const a = express();
  const route = handler(vary);
  if (kit === undefined) a.get('/products/:id', route);
  else {
    const mw = middleware(kit);
    a.get('/products/:id', mw, route);
  }
  return (req, res) => a(req as never, res as never);
}

function load(dir: string): Kit {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const mw = require(path.join(dir, 'middleware/cachedRoute/cachedRoute.js')) as {
    cachedRoute: CachedRouteFn;
  };
  const mc = require(path.join(dir, 'src/cache/MemoryCache.js')) as { MemoryCache: CacheCtor };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { cachedRoute: mw.cachedRoute, MemoryCache: mc.MemoryCache };
}

async function batch(v: Variant, n: number): Promise<{ cpuNs: number; bad: number }> {
  let bad = 0;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const res = await inject(v.dispatch, { method: 'GET', url: URL, headers: v.headers });
    if (res.statusCode !== 200) bad++;
  }
  const cpu = process.cpuUsage(cpu0);
  return { cpuNs: ((cpu.user + cpu.system) * 1000) / n, bad };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

const BODY = JSON.stringify(product);

/** One socket-less request answered by `mw` (a hit, synchronously), or by a bare `res.end`. */
function directCall(mw: RequestHandler | undefined, headers: Record<string, string>): () => boolean {
  const next = (): void => {
    throw new Error('the cache missed');
  };
  return () => {
    const req = new IncomingMessage(null as never);
    req.method = 'GET';
    req.url = URL;
    req.headers = headers;
    (req as unknown as { params: Record<string, string> }).params = { id: '42' };
    const res = new ServerResponse(req);
    if (mw === undefined) {
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('X-Total-Count', '1');
      res.end(BODY);
    } else mw(req as never, res as never, next);
    return res.writableEnded;
  };
}

/** A `cachedRoute` of `kit` primed with the body (and, with `vary`, the Vary record) of the bench route. */
async function primed(
  kit: Kit,
  vary: boolean,
  headers: Record<string, string>,
  plain = false,
): Promise<RequestHandler> {
  const mw = middleware(kit);
  const a = express();
  if (plain) a.set('etag', false);
  a.get('/products/:id', mw, handler(vary, plain));
  await inject((req, res) => a(req as never, res as never), { method: 'GET', url: URL, headers });
  await new Promise((r) => setImmediate(r));
  return mw;
}

/** CPU ns per direct call of each variant, rounds shuffled; medians and paired ratios. */
async function runDirect(
  kits: Array<[string, Kit]>,
  rounds: number,
  n: number,
): Promise<Record<string, unknown>> {
  const lang = { 'accept-language': 'en' };
  const variants: Array<[string, () => boolean]> = [
    ['bare end', directCall(undefined, {})],
    ['bare end-control', directCall(undefined, {})],
  ];
  for (const [label, kit] of kits) {
    variants.push([`${label} hit`, directCall(await primed(kit, false, {}), {})]);
    variants.push([`${label} hit, Vary`, directCall(await primed(kit, true, lang), lang)]);
    // The same headers on the wire before and after: what the machinery costs, apart from replaying.
    variants.push([`${label} hit, no header of its own`, directCall(await primed(kit, false, {}, true), {})]);
  }
  const cpu = new Map<string, number[]>(variants.map(([l]) => [l, []]));
  for (let r = -2; r < rounds; r++) {
    for (const [label, call] of shuffled(variants, r + 100)) {
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < n; i++) if (!call()) throw new Error(`${label}: not answered`);
      const used = process.cpuUsage(cpu0);
      if (r >= 0) cpu.get(label)!.push(((used.user + used.system) * 1000) / n);
    }
    await new Promise((r) => setImmediate(r));
  }
  const bare = cpu.get('bare end')!;
  const out: Record<string, unknown> = {};
  for (const [label] of variants) {
    const own = cpu.get(label)!;
    const base = cpu.get(`base ${label}`);
    out[label] = {
      cpuNsPerCall: Math.round(summarize(own).median),
      addedNs: Math.round(summarize(pairedDeltas(own, bare)).median),
      ...(base === undefined
        ? {}
        : { vsBasePct: round2(summarize(pairedRatios(own, base).map((x) => (x - 1) * 100)).median) }),
    };
  }
  return out;
}

/** Runs every variant; returns per-variant CPU µs/request and µs/% over bare (medians over rounds). */
export async function run(baseDir?: string, directOnly = false): Promise<Record<string, unknown>> {
  const opts = currentOptions();
  const rounds = opts.quick ? 8 : 60;
  const n = opts.quick ? 300 : 1000;
  const lang = { 'accept-language': 'en' };
  const kits: Array<[string, Kit]> = [['cachedRoute', { cachedRoute, MemoryCache }]];
  if (baseDir !== undefined) kits.push(['base cachedRoute', load(path.resolve(baseDir))]);
  const variants: Variant[] = [
    { label: 'bare', dispatch: app(undefined, false), headers: {} },
    { label: 'bare-control', dispatch: app(undefined, false), headers: {} },
  ];
  for (const [label, kit] of kits) {
    variants.push({ label: `${label} hit`, dispatch: app(kit, false), headers: {} });
    variants.push({ label: `${label} hit, Vary`, dispatch: app(kit, true), headers: lang });
  }
  if (directOnly) return { direct: await runDirect(kits, rounds, n * 5) };
  for (const v of variants) {
    const first = await batch(v, 1); // stores the body
    const warm = await batch(v, n);
    if (first.bad + warm.bad > 0) throw new Error(`${v.label}: a request did not answer 200`);
  }
  const cpu = new Map<string, number[]>(variants.map((v) => [v.label, []]));
  let bad = 0;
  for (let r = 0; r < rounds; r++) {
    for (const v of shuffled(variants, r + 1)) {
      const b = await batch(v, n);
      cpu.get(v.label)!.push(b.cpuNs);
      bad += b.bad;
    }
  }
  const bare = cpu.get('bare')!;
  const out: Record<string, unknown> = { rounds, requestsPerBatch: n, failed: bad };
  out.direct = await runDirect(kits, rounds, n * 5);
  for (const v of variants) {
    const own = cpu.get(v.label)!;
    const base = cpu.get(`base ${v.label}`);
    out[v.label] = {
      cpuUsPerRequest: round2(summarize(own).median / 1000),
      addedUs: round2(summarize(pairedDeltas(own, bare)).median / 1000),
      addedPct: round2(summarize(pairedRatios(own, bare).map((x) => (x - 1) * 100)).median),
      ...(base === undefined
        ? {}
        : { vsBasePct: round2(summarize(pairedRatios(own, base).map((x) => (x - 1) * 100)).median) }),
    };
  }
  return out;
}

if (require.main === module) {
  run(process.argv[2], process.argv[3] === '--direct').then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
