/**
 * A hot key under steady load: how often the source runs per ttl, and how many callers had to wait
 * for it, with `earlyRefresh`, with `staleWhileRevalidate` and with neither. The three chains run
 * side by side in one process for the same 10 s, so they share the machine's noise.
 *
 * `npm run bench -- hotkey` (BENCH_QUICK=1: 3 s). It counts events; it does not time code.
 */
import { MemoryCache } from '../src/cache/MemoryCache';
import { fallback } from '../src/fallback/fallback';
import type { FallbackOptions } from '../src/fallback/FallbackOptions';
import { printWhenMain } from './lib/printWhenMain';

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
  /** Of those, how many after the first ttl (the cold start is not the hot key's steady state). */
  waitedAfterFirstTtl: number;
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

async function caller(
  chain: ReturnType<typeof variant>,
  tally: Tally,
  warmUntil: number,
  until: number,
): Promise<void> {
  while (performance.now() < until) {
    const t0 = performance.now();
    const r = await chain.get('hot');
    const ms = performance.now() - t0;
    tally.calls++;
    if (r.source === 'source') {
      tally.waited++;
      if (t0 >= warmUntil) tally.waitedAfterFirstTtl++;
    }
    if (ms > tally.worstMs) tally.worstMs = ms;
    await sleep(PAUSE_MS);
  }
}

/** Source calls per ttl and callers that waited, per variant. */
export async function run(): Promise<unknown> {
  const variants: Array<[string, Partial<FallbackOptions<number, [string]>>]> = [
    ['neither', {}],
    ['earlyRefresh', { earlyRefresh: true }],
    ['staleWhileRevalidate', { staleWhileRevalidate: true }],
  ];
  const tallies: Tally[] = variants.map(() => ({
    sourceCalls: 0,
    calls: 0,
    waited: 0,
    waitedAfterFirstTtl: 0,
    worstMs: 0,
  }));
  const chains = variants.map(([, extra], i) => variant(extra, tallies[i]));
  const started = performance.now();
  const until = started + DURATION_MS;
  await Promise.all(
    chains.flatMap((chain, i) =>
      Array.from({ length: CALLERS }, () => caller(chain, tallies[i], started + TTL_MS, until)),
    ),
  );
  const ttls = DURATION_MS / TTL_MS;
  const result: Record<string, unknown> = {
    node: process.version,
    callersPerVariant: CALLERS,
    pauseMs: PAUSE_MS,
    ttlMs: TTL_MS,
    sourceMs: SOURCE_MS,
    seconds: DURATION_MS / 1000,
  };
  variants.forEach(([label], i) => {
    const t = tallies[i];
    result[label] = {
      calls: t.calls,
      sourceCallsPerTtl: Number((t.sourceCalls / ttls).toFixed(2)),
      callersThatWaited: t.waited,
      callersThatWaitedAfterFirstTtl: t.waitedAfterFirstTtl,
      worstCallMs: Number(t.worstMs.toFixed(1)),
    };
  });
  const refreshing = ['earlyRefresh', 'staleWhileRevalidate'].map(
    (l) => [l, result[l] as Record<string, number>] as const,
  );
  result.targets = refreshing.flatMap(([label, t]) => [
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
  ]);
  return result;
}

printWhenMain(module, run);
