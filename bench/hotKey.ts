/**
 * A hot key under steady load: how often the source runs per ttl, and how many callers had to wait
 * for it, with `earlyRefresh`, with `staleWhileRevalidate` and with neither. The three chains run
 * side by side in one process for the same 10 s, so they share the machine's noise.
 *
 * Then the same three options on a `cachedRoute` (an Express app on a loopback port, keep-alive
 * connections), where a refresh is not in the background: the request that claims the key runs
 * the route. "Waited" there counts the requests that ran the route or were held behind a run
 * (`X-Statuskit-Source: origin`, or `Cache-Status` with `collapsed`).
 *
 * `npm run bench -- hotkey` (BENCH_QUICK=1: 3 s per phase). It counts events; it does not time code.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { cachedRoute } from '../middleware/cachedRoute/cachedRoute';
import type { RefreshOptions } from '../src/fallback/earlyRefresh';
import { MemoryCache } from '../src/cache/MemoryCache';
import { fallback } from '../src/fallback/fallback';
import { printWhenMain } from './lib/printWhenMain';

const QUICK = process.env.BENCH_QUICK === '1';
const DURATION_MS = QUICK ? 3000 : 10_000;
const CALLERS = 200;
/** Fewer on the route: each request goes through Express, and 200 would saturate the process. */
const ROUTE_CALLERS = 20;
const TTL_MS = 1000;
const SOURCE_MS = 50;
const PAUSE_MS = 10;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Tally {
  sourceCalls: number;
  calls: number;
  /** Calls answered by a source run they waited for (`source: 'source'`). */
  waited: number;
  /** Of those, how many after the first ttl (the cold start is not the hot key's steady state). */
  waitedAfterFirstTtl: number;
  worstMs: number;
}

/** One get of the hot key; resolves to whether the caller waited for a source run. */
type Get = () => Promise<boolean>;

/** A variant's get, and how to stop what it started. */
interface Variant {
  get: Get;
  close: () => Promise<void>;
}

async function fallbackGet(extra: RefreshOptions, tally: Tally): Promise<Variant> {
  const chain = fallback<number, [string]>({
    name: 'hot',
    key: (k) => k,
    cache: new MemoryCache(),
    ttlMs: TTL_MS,
    staleTtlMs: 10_000,
    registry: false,
    sources: [
      async () => {
        tally.sourceCalls++;
        await sleep(SOURCE_MS);
        return tally.sourceCalls;
      },
    ],
    ...extra,
  });
  return { get: async () => (await chain.get('hot')).source === 'source', close: async () => undefined };
}

/** One GET on a keep-alive connection: its status and headers. */
function getHot(
  port: number,
  agent: http.Agent,
): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/hot', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      })
      .on('error', reject);
  });
}

/** A route variant listening on a free loopback port. */
async function routeGet(extra: RefreshOptions, tally: Tally): Promise<Variant> {
  const app = express();
  app.get(
    '/hot',
    cachedRoute({
      name: 'hot',
      cache: new MemoryCache(),
      key: () => 'hot',
      ttlMs: TTL_MS,
      staleTtlMs: 10_000,
      registry: false,
      ...extra,
    }),
    async (_req, res) => {
      tally.sourceCalls++;
      await sleep(SOURCE_MS);
      res.json({ n: tally.sourceCalls });
    },
  );
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: ROUTE_CALLERS });
  const get: Get = async () => {
    const { status, headers: h } = await getHot(port, agent);
    if (status !== 200) throw new Error(`the route answered ${status}`);
    return h['x-statuskit-source'] === 'origin' || String(h['cache-status']).includes('collapsed');
  };
  const close = (): Promise<void> => {
    agent.destroy();
    server.closeAllConnections();
    return new Promise((r) => server.close(() => r()));
  };
  return { get, close };
}

async function caller(get: Get, tally: Tally, warmUntil: number, until: number): Promise<void> {
  while (performance.now() < until) {
    const t0 = performance.now();
    const waited = await get();
    const ms = performance.now() - t0;
    tally.calls++;
    if (waited) {
      tally.waited++;
      if (t0 >= warmUntil) tally.waitedAfterFirstTtl++;
    }
    if (ms > tally.worstMs) tally.worstMs = ms;
    await sleep(PAUSE_MS);
  }
}

const VARIANTS: Array<[string, RefreshOptions]> = [
  ['neither', {}],
  ['earlyRefresh', { earlyRefresh: true }],
  ['staleWhileRevalidate', { staleWhileRevalidate: true }],
];

/** The three variants side by side for `DURATION_MS`, `callers` each: one row per variant. */
async function phase(
  make: (extra: RefreshOptions, tally: Tally) => Promise<Variant>,
  callers: number,
): Promise<Record<string, Record<string, number>>> {
  const tallies: Tally[] = VARIANTS.map(() => ({
    sourceCalls: 0,
    calls: 0,
    waited: 0,
    waitedAfterFirstTtl: 0,
    worstMs: 0,
  }));
  const variants = await Promise.all(VARIANTS.map(([, extra], i) => make(extra, tallies[i])));
  const gets = variants.map((v) => v.get);
  const started = performance.now();
  const until = started + DURATION_MS;
  await Promise.all(
    gets.flatMap((get, i) =>
      Array.from({ length: callers }, () => caller(get, tallies[i], started + TTL_MS, until)),
    ),
  );
  await Promise.all(variants.map((v) => v.close()));
  const ttls = DURATION_MS / TTL_MS;
  return Object.fromEntries(
    VARIANTS.map(([label], i) => {
      const t = tallies[i];
      return [
        label,
        {
          calls: t.calls,
          sourceCallsPerTtl: Number((t.sourceCalls / ttls).toFixed(2)),
          callersThatWaited: t.waited,
          callersThatWaitedAfterFirstTtl: t.waitedAfterFirstTtl,
          worstCallMs: Number(t.worstMs.toFixed(1)),
        },
      ];
    }),
  );
}

/** Source calls per ttl and callers that waited, per variant, on `fallback` then on `cachedRoute`. */
export async function run(): Promise<unknown> {
  const chains = await phase(fallbackGet, CALLERS);
  const route = await phase(routeGet, ROUTE_CALLERS);
  const result: Record<string, unknown> = {
    node: process.version,
    callersPerVariant: CALLERS,
    routeCallersPerVariant: ROUTE_CALLERS,
    pauseMs: PAUSE_MS,
    ttlMs: TTL_MS,
    sourceMs: SOURCE_MS,
    seconds: DURATION_MS / 1000,
    ...chains,
    route,
  };
  result.targets = ['earlyRefresh', 'staleWhileRevalidate'].flatMap((label) => {
    const t = chains[label];
    return [
      {
        target: `${label}: source calls per ttl ≤ 2`,
        measured: t.sourceCallsPerTtl,
        met: t.sourceCallsPerTtl <= 2,
      },
      {
        target: `${label}: callers that waited after the first ttl = 0`,
        measured: t.callersThatWaitedAfterFirstTtl,
        met: t.callersThatWaitedAfterFirstTtl === 0,
      },
    ];
  });
  return result;
}

printWhenMain(module, run);
