/**
 * Benchmark: bare Express 5 against the same app with `healthRoutes` + `shortCircuit` +
 * one `requireDependency` mounted (the `statuskit` scenario of bench/peers), each server in its own
 * process, autocannon in another, rounds alternated A/B/A'… in one run. Reports requests/s and
 * server CPU per request (from /proc), the statuskit ÷ bare ratios round by round, the same for a
 * second bare process (the noise floor), and `/healthcheck`'s CPU per request against bare `/api`.
 *
 * Run: npx tsc -p tsconfig.bench.json; node dist-bench/bench/http.js
 */
import { LoadGenerator } from './lib/loadGenerator';
import type { LoadResult } from './lib/loadWorker';
import { currentOptions } from './lib/options';
import { processCpuMicros } from './lib/procCpu';
import { startServer, type ServerProcess } from './lib/serverProcess';
import { median, pairedRatios, summarize, type Summary } from './lib/stats';

/** One measured series: a server and a route. */
interface Series {
  name: string;
  server: ServerProcess;
  url: string;
  rps: number[];
  cpuUsPerReq: number[];
  p99Ms: number[];
  failures: number;
}

const SERVER_CORE = 0;
const LOAD_CORE = 1;

async function measure(
  load: LoadGenerator,
  s: Series,
  durationS: number,
  connections: number,
): Promise<void> {
  const cpu0 = processCpuMicros(s.server.pid) ?? Number.NaN;
  const r: LoadResult = await load.run(s.url, durationS, connections);
  const cpu1 = processCpuMicros(s.server.pid) ?? Number.NaN;
  s.rps.push(r.requestsPerSecond);
  s.cpuUsPerReq.push((cpu1 - cpu0) / Math.max(1, r.completed));
  s.p99Ms.push(r.p99Ms);
  s.failures += r.non2xx + r.errors + r.timeouts;
}

function series(name: string, server: ServerProcess, url: string): Series {
  return { name, server, url, rps: [], cpuUsPerReq: [], p99Ms: [], failures: 0 };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function brief(s: Summary): { median: number; q1: number; q3: number } {
  return { median: round3(s.median), q1: round3(s.q1), q3: round3(s.q3) };
}

/** Measures and returns the figures (ratios are medians of round-by-round ratios, with quartiles). */
export async function run(): Promise<Record<string, unknown>> {
  const o = currentOptions();
  const load = await LoadGenerator.start(LOAD_CORE);
  const servers: ServerProcess[] = [];
  try {
    for (const name of ['bare', 'bare', 'statuskit'])
      servers.push(await startServer(name, { core: SERVER_CORE }));
    const [bare, control, kit] = servers;
    const all = [
      series('bare /api', bare, bare.apiUrl),
      series('bare-control /api', control, control.apiUrl),
      series('statuskit /api', kit, kit.apiUrl),
      series('statuskit /healthcheck', kit, kit.healthUrl),
    ];
    for (const s of all) await load.run(s.url, o.warmupS, o.connections); // JIT warm-up
    for (let i = 0; i < o.rounds; i++) {
      // A/B alternated: odd rounds run the series in reverse, so no series always follows another.
      const order = i % 2 === 0 ? all : [...all].reverse();
      for (const s of order) await measure(load, s, o.durationS, o.connections);
    }
    const [b, c, k, h] = all;
    return {
      config: {
        rounds: o.rounds,
        durationS: o.durationS,
        warmupS: o.warmupS,
        connections: o.connections,
        pinning: `servers on core ${SERVER_CORE}, autocannon on core ${LOAD_CORE} (where taskset exists)`,
      },
      series: Object.fromEntries(
        all.map((s) => [
          s.name,
          {
            rps: Math.round(median(s.rps)),
            cpuUsPerRequest: round3(median(s.cpuUsPerReq)),
            p99Ms: median(s.p99Ms),
            failures: s.failures,
          },
        ]),
      ),
      ratios: {
        'statuskit /api rps ÷ bare': brief(summarize(pairedRatios(k.rps, b.rps))),
        'bare-control /api rps ÷ bare (noise)': brief(summarize(pairedRatios(c.rps, b.rps))),
        'statuskit /api CPU/req ÷ bare': brief(summarize(pairedRatios(k.cpuUsPerReq, b.cpuUsPerReq))),
        'bare-control /api CPU/req ÷ bare (noise)': brief(
          summarize(pairedRatios(c.cpuUsPerReq, b.cpuUsPerReq)),
        ),
        'statuskit /healthcheck CPU/req ÷ bare /api': brief(
          summarize(pairedRatios(h.cpuUsPerReq, b.cpuUsPerReq)),
        ),
      },
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await load.stop();
  }
}

if (require.main === module) {
  run().then(
    (result) => {
      console.log(JSON.stringify(result, null, 2));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
