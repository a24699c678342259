/**
 * Benchmark: the DependencyManager's read path and background cost.
 *  - `systemStatus` reads per second (the short-circuit interceptor's per-request cost);
 *  - `snapshot()` cost, cached (no new result since the last call) and rebuilt after a new result,
 *    with 10, 100 and 1,000 dependencies;
 *  - 1,000 background dependencies pinging every second: CPU % of one core and memory.
 *
 * Run: npx tsc -p tsconfig.bench.json; node dist-bench/bench/manager.js   (BENCH_QUICK=1: shorter)
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DependencyManager } from '../src/manager/DependencyManager';

const QUICK = process.env.BENCH_QUICK === '1';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

async function startedManager(
  count: number,
  pingPeriodMs: number,
  mode: 'background' | 'live' = 'background',
) {
  const manager = new DependencyManager({ registry: false, defaults: { pingPeriodMs, timeoutMs: 1000 } });
  for (let i = 0; i < count; i++) {
    manager.register({
      id: `dep-${i}`,
      urgency: i % 2 ? 'WEAK' : 'REQUIRED',
      mode,
      check: async () => undefined,
    });
  }
  await manager.start();
  return manager;
}

/** `systemStatus` reads per second over ~1 s (batches of 1M between clock reads). */
async function systemStatusReads(): Promise<number> {
  const manager = await startedManager(100, 60_000);
  let sink = 0;
  const measure = (ms: number): number => {
    let reads = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      for (let i = 0; i < 1_000_000; i++) if (manager.systemStatus === 'OUTAGE') sink++;
      reads += 1_000_000;
    }
    return (reads * 1000) / (performance.now() - t0);
  };
  measure(200);
  const perSec = measure(QUICK ? 500 : 1500);
  await manager.stop();
  if (sink !== 0) throw new Error('unexpected OUTAGE');
  return perSec;
}

/** Mean µs per `snapshot()`: cached, and rebuilt after each new result (a live dependency's run). */
async function snapshotCost(count: number): Promise<{ cachedNs: number; rebuiltUs: number }> {
  const manager = await startedManager(count, 60_000);
  manager.register({ id: 'zz-live', mode: 'live', check: () => undefined });
  await manager.evaluate();
  const n = QUICK ? 100_000 : 1_000_000;
  let t0 = performance.now();
  for (let i = 0; i < n; i++) manager.snapshot();
  const cachedNs = ((performance.now() - t0) * 1e6) / n;

  const rounds = QUICK ? 200 : 1000;
  let total = 0;
  for (let i = 0; i < rounds; i++) {
    await manager.evaluate('zz-live'); // a new result invalidates the cached set
    t0 = performance.now();
    manager.snapshot();
    total += performance.now() - t0;
  }
  await manager.stop();
  return { cachedNs: round(cachedNs, 1), rebuiltUs: round((total * 1000) / rounds, 1) };
}

/** CPU % of one core and memory for `count` background dependencies at a 1 s ping period. */
async function backgroundCost(count: number): Promise<Record<string, number>> {
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  const manager = await startedManager(count, 1000);
  let runs = 0;
  manager.on('checked', () => runs++);
  await new Promise((r) => setTimeout(r, 2000)); // warm-up
  const windowMs = QUICK ? 3000 : 10_000;
  runs = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, windowMs));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  gc();
  const heap1 = process.memoryUsage().heapUsed;
  const rss1 = process.memoryUsage().rss;
  const figures = {
    dependencies: count,
    pingPeriodMs: 1000,
    runsPerSecond: round((runs * 1000) / wallMs, 0),
    cpuPercentOfOneCore: round(((cpu.user + cpu.system) / 1000 / wallMs) * 100, 2),
    cpuMicrosPerRun: round((cpu.user + cpu.system) / Math.max(runs, 1), 1),
    heapMiB: round((heap1 - heap0) / 2 ** 20, 2),
    heapBytesPerDependency: round((heap1 - heap0) / count, 0),
    rssDeltaMiB: round((rss1 - rss0) / 2 ** 20, 1),
  };
  await manager.stop();
  return figures;
}

/** Measures and returns every figure. */
export async function run(): Promise<Record<string, unknown>> {
  const reads = await systemStatusReads();
  const snapshot: Record<string, unknown> = {};
  for (const n of [10, 100, 1000]) snapshot[`deps${n}`] = await snapshotCost(n);
  return {
    systemStatusReadsPerSecond: Math.round(reads),
    systemStatusNsPerRead: round(1e9 / reads, 2),
    snapshot,
    background1000At1s: await backgroundCost(1000),
    node: process.version,
    quick: QUICK,
  };
}

if (require.main === module) {
  run().then(
    (r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
