/**
 * Options shared by every benchmark of one `npm run bench` run. The runner parses them from the
 * command line and hands them to each benchmark's child process in the `STATUSKIT_BENCH`
 * environment variable (JSON); `BENCH_QUICK=1` is also set for `--quick`, for benchmarks that only
 * need to know that.
 */
export interface BenchOptions {
  /** Shorter rounds, fewer of them: a smoke run of the whole harness in about two minutes. */
  quick: boolean;
  /** Server scenarios: measured rounds (each scenario and route once per round). */
  rounds: number;
  /** Server scenarios: seconds of load per measurement. */
  durationS: number;
  /** Server scenarios: seconds of load per scenario and route before the first round. */
  warmupS: number;
  /** Server scenarios: concurrent connections autocannon keeps open. */
  connections: number;
  /** In-process measure: alternated rounds. */
  inprocessRounds: number;
  /** In-process measure: requests injected per variant and round. */
  inprocessBatch: number;
  /** Write V8 CPU profiles of the bare and statuskit routes (`node --cpu-prof`) and summarise them. */
  cpuProf: boolean;
  /** Also run the opt-in `callgrind` benchmark (instruction counts under valgrind, several minutes). */
  callgrind: boolean;
}

/** Full-run defaults: about 5 minutes of server scenarios, 1 of in-process measure. */
export const BENCH_DEFAULTS: Readonly<BenchOptions> = Object.freeze({
  quick: false,
  rounds: 6,
  durationS: 3,
  warmupS: 2,
  connections: 10,
  inprocessRounds: 60,
  inprocessBatch: 1000,
  cpuProf: true,
  callgrind: false,
});

/** `--quick` defaults: every code path runs, figures are rough. */
export const QUICK_DEFAULTS: Readonly<BenchOptions> = Object.freeze({
  ...BENCH_DEFAULTS,
  quick: true,
  rounds: 2,
  durationS: 2,
  warmupS: 1,
  inprocessRounds: 15,
  inprocessBatch: 500,
  cpuProf: false,
});

const NUMERIC: Record<string, keyof BenchOptions> = {
  rounds: 'rounds',
  duration: 'durationS',
  warmup: 'warmupS',
  connections: 'connections',
  'inprocess-rounds': 'inprocessRounds',
  'inprocess-batch': 'inprocessBatch',
};

/** Parsed command line: the options plus the benchmark names asked for (none: all). */
export interface ParsedArgs {
  options: BenchOptions;
  filters: string[];
}

/**
 * Parses `[filter...] [--quick] [--rounds=N] [--duration=S] [--warmup=S] [--connections=N]
 * [--inprocess-rounds=N] [--inprocess-batch=N] [--cpu-prof | --no-cpu-prof] [--callgrind]`.
 * @throws Error naming an unknown flag or a value that is not a positive number.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const quick = argv.includes('--quick');
  const options: BenchOptions = { ...(quick ? QUICK_DEFAULTS : BENCH_DEFAULTS) };
  const filters: string[] = [];
  for (const arg of argv) {
    if (!arg.startsWith('--')) {
      filters.push(arg);
      continue;
    }
    const [flag = '', value] = arg.slice(2).split('=', 2);
    if (flag === 'quick') continue;
    if (flag === 'cpu-prof') options.cpuProf = true;
    else if (flag === 'no-cpu-prof') options.cpuProf = false;
    else if (flag === 'callgrind') options.callgrind = true;
    else if (flag in NUMERIC) {
      const n = Number(value);
      if (!(n > 0)) throw new Error(`--${flag} needs a positive number, got ${String(value)}`);
      (options as unknown as Record<string, number>)[NUMERIC[flag]] = n;
    } else throw new Error(`unknown flag --${flag}`);
  }
  return { options, filters };
}

/** The options a benchmark child process was given (defaults when run on its own). */
export function currentOptions(): BenchOptions {
  const raw = process.env.STATUSKIT_BENCH;
  if (raw === undefined || raw === '') return { ...BENCH_DEFAULTS };
  return { ...BENCH_DEFAULTS, ...(JSON.parse(raw) as Partial<BenchOptions>) };
}
