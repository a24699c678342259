/**
 * Circuit breaker costs and gains, in-process:
 * - `execute` overhead per call while closed, against a bare `await fn()` in the same process,
 *   rounds alternated so drift on a shared machine hits both alike (target: ≤ 0.5 µs per call);
 * - a fallback whose first source (the partner API) hangs until `sourceTimeoutMs`: the latency of
 *   `get()` without a breaker, and with one once it has opened (target: under 5 ms at p99).
 *
 * Run: npx tsc -p tsconfig.bench.json; node dist-bench/bench/breaker.js   (BENCH_QUICK=1: shorter)
 */
import { Registry } from 'prom-client';
import { CircuitBreaker } from '../src/breaker/CircuitBreaker';
import { fallback } from '../src/fallback/fallback';
import type { FallbackSource } from '../src/fallback/FallbackOptions';

const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = QUICK ? 5 : 15;
const CALLS = QUICK ? 100_000 : 400_000;
const SOURCE_TIMEOUT_MS = 200;
const SLOW_CALLS = QUICK ? 10 : 25;
const FAST_CALLS = QUICK ? 500 : 2000;

const fn = (): Promise<number> => Promise.resolve(1);

async function bare(n: number): Promise<number> {
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink += await fn();
  if (sink !== n) throw new Error('unreachable');
  return ((performance.now() - t0) * 1e6) / n;
}

async function guarded(b: CircuitBreaker, n: number): Promise<number> {
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink += await b.execute(fn);
  if (sink !== n) throw new Error('unreachable');
  return ((performance.now() - t0) * 1e6) / n;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Median ns per call of bare, breaker with metrics, breaker without, and the medians of the differences. */
async function overhead(): Promise<Record<string, number>> {
  const withMetrics = new CircuitBreaker({ name: 'bench', registry: new Registry() });
  const noMetrics = new CircuitBreaker({ name: 'bench', registry: false });
  await bare(CALLS / 4);
  await guarded(withMetrics, CALLS / 4);
  await guarded(noMetrics, CALLS / 4);
  const rows = { bare: [] as number[], metrics: [] as number[], noMetrics: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    rows.bare.push(await bare(CALLS));
    rows.metrics.push(await guarded(withMetrics, CALLS));
    rows.noMetrics.push(await guarded(noMetrics, CALLS));
  }
  const diff = (xs: number[]): number => median(xs.map((x, i) => x - rows.bare[i]));
  return {
    bareAwaitNsPerCall: round2(median(rows.bare)),
    executeNsPerCall: round2(median(rows.metrics)),
    executeNoMetricsNsPerCall: round2(median(rows.noMetrics)),
    overheadNsPerCall: round2(diff(rows.metrics)),
    overheadNoMetricsNsPerCall: round2(diff(rows.noMetrics)),
  };
}

/** A partner that never answers: its signal is honoured, so the fallback's timeout ends each call. */
const hangingPartner: FallbackSource<string, [number]> = (_id, { signal }) =>
  new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
const local: FallbackSource<string, [number]> = (id) => Promise.resolve(`local ${id}`);

async function latencies(get: (i: number) => Promise<unknown>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await get(i);
    out.push(performance.now() - t0);
  }
  return out;
}

async function partnerDown(): Promise<Record<string, number>> {
  const common = {
    key: (id: number) => String(id),
    ttlMs: 0,
    sourceTimeoutMs: SOURCE_TIMEOUT_MS,
    registry: false as const,
  };
  const plain = fallback({ ...common, name: 'plain', sources: [hangingPartner, local] });
  const before = await latencies((i) => plain.get(i), SLOW_CALLS);
  const breaker = new CircuitBreaker({ name: 'partner', registry: false, halfOpenAfterMs: 600_000 });
  const guardedChain = fallback({
    ...common,
    name: 'guarded',
    sources: [{ fn: hangingPartner, breaker }, local],
  });
  const opening = await latencies((i) => guardedChain.get(i), 5);
  if (breaker.state !== 'open') throw new Error(`the breaker did not open (${breaker.state})`);
  const after = await latencies((i) => guardedChain.get(i), FAST_CALLS);
  breaker.dispose();
  return {
    sourceTimeoutMs: SOURCE_TIMEOUT_MS,
    withoutBreakerP50Ms: round2(percentile(before, 50)),
    withoutBreakerP99Ms: round2(percentile(before, 99)),
    callsUntilOpen: opening.length,
    openBreakerP50Ms: round2(percentile(after, 50)),
    openBreakerP99Ms: round2(percentile(after, 99)),
    openBreakerMaxMs: round2(Math.max(...after)),
  };
}

/** The benchmark's figures (see the module comment). */
export async function run(): Promise<Record<string, unknown>> {
  // statuskit's timers are unref'd; in a service the server keeps the process alive, here this does.
  const keepAlive = setInterval(() => undefined, 1000);
  const closed = await overhead();
  const down = await partnerDown();
  clearInterval(keepAlive);
  return {
    config: { rounds: ROUNDS, callsPerRound: CALLS, slowCalls: SLOW_CALLS, fastCalls: FAST_CALLS },
    closed,
    partnerDown: down,
    targets: {
      overheadAtMost500Ns: closed.overheadNsPerCall <= 500,
      openP99Under5Ms: down.openBreakerP99Ms < 5,
    },
  };
}

if (require.main === module) {
  run().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
