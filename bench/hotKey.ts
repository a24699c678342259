/**
 * A hot key under steady load: how often the source runs per ttl, and how many callers had to wait
 * for it, with `earlyRefresh`, with `staleWhileRevalidate` and with neither. The three chains run
 * side by side in one process for the same 10 s, so they share the machine's noise.
 *
 * Run: npx tsc -p tsconfig.bench.json; node dist-bench/bench/hotKey.js   (BENCH_QUICK=1: 3 s)
 * Not part of `npm run bench`'s suites: it counts events, it does not time code.
 */
import { MemoryCache } from '../src/cache/MemoryCache';
import { fallback } from '../src/fallback/fallback';
import type { FallbackOptions } from '../src/fallback/FallbackOptions';

const QUICK = process.env.BENCH_QUICK === '1';
const DURATION_MS = QUICK ? 3000 : 10_000;
const CALLERS = 200;
const TTL_MS = 1000;
const SOURCE_MS = 50;
const PAUSE_MS = 10;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Tally {
  sourceCalls: number;
  calls: number;
  /** Calls answered by a source run they waited for (`source: 'source'`). */
  waited: number;
  worstMs: number;
}

function variant(extra: Partial<FallbackOptions<number, [string]>>, tally: Tally) {
  return fallback<number, [string]>({
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
}

async function caller(chain: ReturnType<typeof variant>, tally: Tally, until: number): Promise<void> {
  while (performance.now() < until) {
    const t0 = performance.now();
    const r = await chain.get('hot');
    const ms = performance.now() - t0;
    tally.calls++;
    if (r.source === 'source') tally.waited++;
    if (ms > tally.worstMs) tally.worstMs = ms;
    await sleep(PAUSE_MS);
  }
}

async function main(): Promise<void> {
  const variants: Array<[string, Partial<FallbackOptions<number, [string]>>]> = [
    ['neither', {}],
    ['earlyRefresh', { earlyRefresh: true }],
    ['staleWhileRevalidate', { staleWhileRevalidate: true }],
  ];
  const tallies = variants.map(() => ({ sourceCalls: 0, calls: 0, waited: 0, worstMs: 0 }));
  const chains = variants.map(([, extra], i) => variant(extra, tallies[i]));
  const until = performance.now() + DURATION_MS;
  await Promise.all(
    chains.flatMap((chain, i) => Array.from({ length: CALLERS }, () => caller(chain, tallies[i], until))),
  );
  const ttls = DURATION_MS / TTL_MS;
  console.log(
    `${CALLERS} callers per variant, one get every ~${PAUSE_MS} ms each, ttl ${TTL_MS} ms, ` +
      `source ${SOURCE_MS} ms, ${DURATION_MS / 1000} s (${ttls} ttls), side by side`,
  );
  console.log(
    '| variant | calls | source calls per ttl | callers that waited (first included) | worst call (ms) |',
  );
  console.log('|---|---:|---:|---:|---:|');
  variants.forEach(([label], i) => {
    const t = tallies[i];
    console.log(
      `| ${label} | ${t.calls} | ${(t.sourceCalls / ttls).toFixed(2)} | ${t.waited} | ${t.worstMs.toFixed(1)} |`,
    );
  });
}

void main();
