/**
 * `npm run bench [-- filter...] [--quick] [...]`: runs every benchmark (or those whose name
 * contains a filter word), each in its own child process with a time limit, tolerating one that is
 * missing or fails; merges the results into `bench/results/latest.json`, prints the Markdown report
 * and writes it into `bench/README.md` between the results markers. `-- --report` only re-renders.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { forkNode, nextMessage, stopChild } from './lib/childProcess';
import { machineInfo } from './lib/machine';
import { parseArgs, type BenchOptions } from './lib/options';
import { writeReadmeResults } from './lib/readme';
import { renderReport } from './lib/report';
import { loadResults, mergeResults, saveResults, type BenchmarkEntry } from './lib/results';
import type { ModuleMessage } from './lib/runModule';

/** A benchmark the runner knows: its module (exporting `run()`) and how long it may take. */
interface BenchmarkDef {
  name: string;
  module: string;
  timeoutS: number;
  /** Pin the benchmark's process to this core (single-threaded in-process measures). */
  core?: number;
  /** Node flags for its process (`--expose-gc` where heap samples must be taken after a collection). */
  execArgv?: string[];
  /** Runs only when asked for by name or by its flag (`--callgrind`): it takes several minutes. */
  optIn?: boolean;
}

/** Every benchmark, in run order. Modules not yet written may be absent: reported, skipped. */
export const BENCHMARKS: readonly BenchmarkDef[] = [
  { name: 'peers', module: './peers/benchmark', timeoutS: 900 },
  { name: 'inprocess', module: './inprocess', timeoutS: 900, core: 0 },
  { name: 'manager', module: './manager', timeoutS: 300 },
  { name: 'http', module: './http', timeoutS: 300 },
  { name: 'fallback', module: './peers/fallback', timeoutS: 300 },
  { name: 'fleet', module: './peers/fleet', timeoutS: 300 },
  { name: 'hotkey', module: './hotKey', timeoutS: 120 },
  { name: 'cachedRoute', module: './cachedRoute', timeoutS: 300 },
  { name: 'memorycache', module: './peers/memoryCache', timeoutS: 300, core: 0 },
  { name: 'outbox', module: './outbox', timeoutS: 300 },
  { name: 'breaker', module: './breaker', timeoutS: 300, core: 0 },
  { name: 'history', module: './history', timeoutS: 300, core: 0, execArgv: ['--expose-gc'] },
  { name: 'pgoutbox', module: './peers/pgOutbox', timeoutS: 900, execArgv: ['--expose-gc'] },
  { name: 'callgrind', module: './lib/callgrindBench', timeoutS: 3600, optIn: true },
];

/** The benchmarks a command line selects: filter words match names; opt-in ones need their flag or name. */
export function selectBenchmarks(filters: readonly string[], options: BenchOptions): BenchmarkDef[] {
  return BENCHMARKS.filter((b) => {
    const named = filters.some((f) => b.name.includes(f));
    if (b.optIn === true) return named || options.callgrind;
    return filters.length === 0 || named;
  });
}

const RUN_MODULE = path.join(__dirname, 'lib/runModule.js');

/** The benchmark child running now: its own process group, so Ctrl-C must reach it from here. */
let current: ChildProcess | undefined;

async function runOne(def: BenchmarkDef, options: BenchOptions): Promise<BenchmarkEntry> {
  const ranAt = new Date().toISOString();
  const machine = machineInfo();
  const started = Date.now();
  const child = forkNode(RUN_MODULE, [path.join(__dirname, def.module)], {
    core: def.core,
    execArgv: def.execArgv,
    stdio: 'inherit',
    group: true,
    env: { STATUSKIT_BENCH: JSON.stringify(options), ...(options.quick ? { BENCH_QUICK: '1' } : {}) },
  });
  current = child;
  const base = { ranAt, machine, options: { ...options } };
  try {
    const msg = await nextMessage(child, (m) => m as ModuleMessage, def.timeoutS * 1000);
    const seconds = (Date.now() - started) / 1000;
    if (msg.type === 'result') return { ...base, status: 'ok', seconds, result: msg.result };
    return { ...base, status: msg.type, seconds, error: msg.message };
  } catch (err) {
    const timedOut = err instanceof Error && err.message.includes('did not answer');
    const seconds = (Date.now() - started) / 1000;
    return {
      ...base,
      status: timedOut ? 'timeout' : 'error',
      seconds,
      error: err instanceof Error ? err.message : String(err),
    };
  } finally {
    current = undefined;
    await stopChild(child, 2000, true);
  }
}

/** Runs the selected benchmarks and writes results; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--report')) {
    // Re-render the report from results/latest.json without running anything.
    const report = renderReport(loadResults());
    writeReadmeResults(report);
    process.stdout.write(`${report}\n`);
    return 0;
  }
  const { options, filters } = parseArgs(argv);
  const selected = selectBenchmarks(filters, options);
  if (selected.length === 0) {
    console.error(
      `no benchmark matches ${filters.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`,
    );
    return 2;
  }
  const entries: Record<string, BenchmarkEntry> = {};
  for (const def of selected) {
    console.error(`bench: ${def.name} …`);
    const entry = await runOne(def, options);
    entries[def.name] = entry;
    console.error(
      `bench: ${def.name} ${entry.status} in ${Math.round(entry.seconds)} s${entry.error ? `: ${entry.error}` : ''}`,
    );
  }
  const command = ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' ');
  const results = mergeResults(loadResults(), command, entries);
  const report = renderReport(results);
  if (options.quick) {
    // A smoke run's rough figures never replace the committed results.
    console.error('bench: --quick: results/latest.json and README.md left as they were');
  } else {
    saveResults(results);
    writeReadmeResults(report);
  }
  process.stdout.write(`${report}\n`);
  return Object.values(entries).some((e) => e.status === 'error' || e.status === 'timeout') ? 1 : 0;
}

if (require.main === module) {
  process.once('SIGINT', () => {
    if (current !== undefined) void stopChild(current, 0, true);
    process.exit(130);
  });
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
