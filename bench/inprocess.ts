/**
 * In-process measure: the same Express app with and without the kit, requests injected
 * without sockets (light-my-request), variants alternated over many rounds, CPU time per request
 * from `process.cpuUsage()`. Without sockets, kernel and network noise drop out and the kit's own
 * cost shows; a bare-vs-bare control shows what is left of the noise.
 */
import { injectMany, routeOf } from './lib/injectTarget';
import { currentOptions } from './lib/options';
import { profileRoutes, type ProfileSummary } from './lib/cpuProfile';
import { loadScenario, PART_NAMES, SCENARIO_NAMES } from './peers/scenarios';
import type { ScenarioInstance } from './peers/scenario';
import { pairedDeltas, pairedRatios, shuffled, summarize, type Summary } from './lib/stats';
import type { DispatchFunc } from 'light-my-request';

type Route = 'api' | 'health';

interface Variant {
  label: string;
  route: Route;
  dispatch: DispatchFunc;
  url: string;
}

/** One variant's figures over all rounds, absolute and against bare Express on the same route. */
export interface VariantSummary {
  cpuNsPerRequest: Summary;
  wallNsPerRequest: Summary;
  /** Round-by-round CPU ns per request minus bare's. */
  deltaNs: Summary;
  /** Round-by-round `(cpu / bare cpu − 1) × 100`. */
  deltaPct: Summary;
  /** Injected requests that did not answer 2xx (should be 0). */
  failed: number;
}

const BASELINE = 'bare';
const CONTROL = 'bare-control';
const HARNESS = 'harness';

/** A dispatcher that answers at once without Express: the cost of light-my-request itself. */
const harnessOnly: DispatchFunc = (_req, res) => {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end('{"ok":true}');
};

async function build(): Promise<{
  variants: Variant[];
  instances: ScenarioInstance[];
  failed: Record<string, string>;
}> {
  const variants: Variant[] = [{ label: HARNESS, route: 'api', dispatch: harnessOnly, url: '/api' }];
  const instances: ScenarioInstance[] = [];
  const failed: Record<string, string> = {};
  const labels = [BASELINE, CONTROL, ...SCENARIO_NAMES.filter((n) => n !== 'bare'), ...PART_NAMES];
  for (const label of labels) {
    try {
      const instance = await (await loadScenario(label === CONTROL ? 'bare' : label)).create();
      instances.push(instance);
      // statuskit's pieces are measured on /api only: that is what they are there to explain.
      const routes =
        PART_NAMES.includes(label) && label !== 'sk-serverLevel'
          ? (['api'] as const)
          : (['api', 'health'] as const);
      for (const route of routes) variants.push({ label, route, ...routeOf(instance, route) });
    } catch (err) {
      failed[label] = err instanceof Error ? err.message : String(err);
    }
  }
  return { variants, instances, failed };
}

async function measureBatch(
  v: Variant,
  n: number,
): Promise<{ cpuNs: number; wallNs: number; failed: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const ok = await injectMany(v.dispatch, v.url, n);
  const wallNs = Number(process.hrtime.bigint() - t0) / n;
  const cpu = process.cpuUsage(cpu0);
  return { cpuNs: ((cpu.user + cpu.system) * 1000) / n, wallNs, failed: n - ok };
}

function key(v: Variant): string {
  return `${v.label} ${v.route}`;
}

function summarizeVariants(
  variants: readonly Variant[],
  cpu: Map<string, number[]>,
  wall: Map<string, number[]>,
  failed: Map<string, number>,
): Record<Route, Record<string, VariantSummary>> {
  const out: Record<Route, Record<string, VariantSummary>> = { api: {}, health: {} };
  for (const v of variants) {
    const own = cpu.get(key(v))!;
    const base = cpu.get(`${BASELINE} ${v.route}`) ?? own.map(() => Number.NaN);
    out[v.route][v.label] = {
      cpuNsPerRequest: summarize(own),
      wallNsPerRequest: summarize(wall.get(key(v))!),
      deltaNs: summarize(pairedDeltas(own, base)),
      deltaPct: summarize(pairedRatios(own, base).map((r) => (r - 1) * 100)),
      failed: failed.get(key(v)) ?? 0,
    };
  }
  return out;
}

/** Alternates every variant over the configured rounds; returns per-variant summaries. */
export async function run(): Promise<Record<string, unknown>> {
  const o = currentOptions();
  const { variants, instances, failed: notBuilt } = await build();
  const cpu = new Map(variants.map((v) => [key(v), [] as number[]]));
  const wall = new Map(variants.map((v) => [key(v), [] as number[]]));
  const failed = new Map<string, number>();
  try {
    for (const v of variants) await measureBatch(v, o.inprocessBatch); // warm-up: JIT and caches
    for (let round = 0; round < o.inprocessRounds; round++) {
      // A fresh random order each round (seeded: runs are comparable), so no variant always follows
      // the same neighbour and inherits its GC debt or cold caches.
      const order = shuffled(variants, round + 1);
      for (const v of order) {
        const m = await measureBatch(v, o.inprocessBatch);
        cpu.get(key(v))!.push(m.cpuNs);
        wall.get(key(v))!.push(m.wallNs);
        failed.set(key(v), (failed.get(key(v)) ?? 0) + m.failed);
      }
    }
  } finally {
    await Promise.all(instances.map((i) => i.close()));
  }
  const routes = summarizeVariants(variants, cpu, wall, failed);
  const profiles: ProfileSummary[] | undefined = o.cpuProf
    ? await profileRoutes(['statuskit', 'bare'], 20_000)
    : undefined;
  return {
    config: {
      rounds: o.inprocessRounds,
      batch: o.inprocessBatch,
      injector: 'light-my-request',
      clock: 'process.cpuUsage (user + system)',
    },
    routes,
    notBuilt,
    ...(profiles === undefined ? {} : { profiles }),
  };
}

if (require.main === module) {
  run().then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
