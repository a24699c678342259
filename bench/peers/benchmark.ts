/**
 * Server scenarios side by side: each scenario in its own process on a loopback port,
 * pinned to core 0; autocannon in another process pinned to core 1; the server's CPU time read
 * from `/proc/<pid>/stat` around every measurement; scenarios alternated (order reversed every
 * other round) over several rounds; every figure compared with bare Express measured in the same
 * round, and bare measured twice (two processes) so the tables show the noise floor.
 */
import { LoadGenerator } from '../lib/loadGenerator';
import type { LoadResult } from '../lib/loadWorker';
import { currentOptions, type BenchOptions } from '../lib/options';
import { processCpuMicros } from '../lib/procCpu';
import { startServer, type ServerProcess } from '../lib/serverProcess';
import { canPin } from '../lib/taskset';
import { loadScenario, SCENARIO_NAMES } from './scenarios';
import { summarizeRoute, type RouteName, type RouteSummary, type Sample } from './summary';

/** The baseline label and its control (same scenario, second process). */
export const BASELINE = 'bare';
export const CONTROL = 'bare-control';

/** statuskit with `serveProbesFirst` (probes before Express), measured alongside. */
export const PROTOTYPE = 'sk-serverLevel';

/** Labels measured, in table order, with the scenario each runs. */
function servers(): Array<[label: string, scenario: string]> {
  return [
    [BASELINE, 'bare'],
    [CONTROL, 'bare'],
    ...SCENARIO_NAMES.filter((n) => n !== 'bare').map((n): [string, string] => [n, n]),
    [PROTOTYPE, PROTOTYPE],
  ];
}

const SERVER_CORE = 0;
const LOAD_CORE = 1;
const ROUTES: readonly RouteName[] = ['api', 'health'];

async function measure(
  load: LoadGenerator,
  server: ServerProcess,
  route: RouteName,
  o: BenchOptions,
): Promise<Sample> {
  const url = route === 'api' ? server.apiUrl : server.healthUrl;
  const before = processCpuMicros(server.pid);
  const r: LoadResult = await load.run(url, o.durationS, o.connections);
  const after = processCpuMicros(server.pid);
  const cpuUs = before === undefined || after === undefined ? Number.NaN : after - before;
  return {
    rps: r.requestsPerSecond,
    cpuUsPerRequest: r.completed > 0 ? cpuUs / r.completed : Number.NaN,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    completed: r.completed,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

async function startAll(): Promise<{
  running: ServerProcess[];
  labels: string[];
  failed: Record<string, string>;
}> {
  const running: ServerProcess[] = [];
  const labels: string[] = [];
  const failed: Record<string, string> = {};
  for (const [label, scenario] of servers()) {
    try {
      running.push(await startServer(scenario, { core: SERVER_CORE }));
      labels.push(label);
    } catch (err) {
      failed[label] = err instanceof Error ? err.message : String(err);
      process.stderr.write(`peers: ${label} did not start: ${failed[label]}\n`);
    }
  }
  return { running, labels, failed };
}

async function descriptions(labels: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const label of labels) {
    const scenario = await loadScenario(label === CONTROL ? 'bare' : label);
    out[label] =
      label === CONTROL ? `A second, identical ${BASELINE} process: the noise floor.` : scenario.description;
  }
  return out;
}

/** Runs every server scenario on `/api` and its health route; returns raw samples and summaries. */
export async function run(): Promise<Record<string, unknown>> {
  const o = currentOptions();
  const load = await LoadGenerator.start(LOAD_CORE);
  const { running, labels, failed } = await startAll();
  const samples: Record<RouteName, Record<string, Sample[]>> = { api: {}, health: {} };
  for (const route of ROUTES) for (const label of labels) samples[route][label] = [];
  try {
    for (const server of running) {
      for (const route of ROUTES)
        await load.run(route === 'api' ? server.apiUrl : server.healthUrl, o.warmupS, o.connections);
    }
    for (let round = 0; round < o.rounds; round++) {
      const order = running.map((s, i) => [labels[i], s] as const);
      if (round % 2 === 1) order.reverse();
      for (const route of ROUTES) {
        for (const [label, server] of order)
          samples[route][label].push(await measure(load, server, route, o));
      }
      process.stderr.write(`peers: round ${round + 1}/${o.rounds} done\n`);
    }
  } finally {
    await Promise.all(running.map((s) => s.stop()));
    await load.stop();
  }
  const routes: Record<RouteName, Record<string, RouteSummary>> = { api: {}, health: {} };
  for (const route of ROUTES) {
    for (const label of labels)
      routes[route][label] = summarizeRoute(samples[route][label], samples[route][BASELINE]);
  }
  return {
    config: {
      rounds: o.rounds,
      durationS: o.durationS,
      warmupS: o.warmupS,
      connections: o.connections,
      pinned: canPin()
        ? `server on core ${SERVER_CORE}, autocannon on core ${LOAD_CORE}`
        : 'not pinned (no taskset)',
    },
    scenarios: await descriptions(labels),
    healthPaths: Object.fromEntries(running.map((s, i) => [labels[i], new URL(s.healthUrl).pathname])),
    routes,
    failed,
    samples,
  };
}

if (require.main === module) {
  run().then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r.routes, null, 2)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
