import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** Instruction counts per request under callgrind, or why they were not taken. */
export type CallgrindResult =
  | { skipped: string }
  | {
      /** Warm-up requests (not counted), then the counted requests of the short and the long run. */
      warmup: number;
      requests: [number, number];
      /** Instructions per request of each variant: (long − short) / (difference in requests). */
      perRequest: Record<string, number>;
      /** Each scenario's `/api` instructions per request minus bare's. */
      addedBy: Record<string, number>;
      /** `statuskit − bare` as a percentage of bare. */
      addedPct: number;
    };

const TARGET = path.join(__dirname, 'injectTarget.js');
const run = promisify(execFile);

/** Whether `valgrind` and `callgrind_control` run here. */
export function hasValgrind(): boolean {
  const ok = (cmd: string, arg: string): boolean =>
    spawnSync(cmd, [arg], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  return ok('valgrind', '--version') && ok('callgrind_control', '--version');
}

/**
 * Instructions (`Ir`) of `count` `/api` requests to `scenario`, counted after `warmup` uncounted
 * ones: the program starts with instrumentation off, and once it reports `warm` we switch it on
 * with `callgrind_control` and let it go on. `node --predictable` makes V8 single-threaded and
 * deterministic (no concurrent compilation or marking racing the main thread), so two runs of the
 * same program count the same instructions to within 0.01 %; `--expose-gc` lets the target collect
 * all garbage before and after the counted requests.
 */
function countInstructions(scenario: string, warmup: number, count: number): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'statuskit-callgrind-'));
  const flag = path.join(dir, 'go');
  const args = ['--tool=callgrind', '--instr-atstart=no', '--callgrind-out-file=/dev/null'];
  const node = [
    process.execPath,
    '--predictable',
    TARGET,
    scenario,
    'api',
    String(count),
    String(warmup),
    flag,
  ];
  return new Promise<number>((resolve, reject) => {
    const child = spawn('valgrind', [...args, ...node], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // No background check runs during the counted requests (see peers/statuskit.ts).
      env: { ...process.env, STATUSKIT_BENCH_PING_MS: '3600000' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      if (!d.toString().includes('warm')) return;
      run('callgrind_control', ['--instr=on', String(child.pid)], { timeout: 60_000 }).then(
        () => writeFileSync(flag, ''),
        (err: unknown) => {
          child.kill('SIGKILL');
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const m = /Collected\s*:\s*(\d+)/.exec(stderr);
      if (code !== 0 || m === null)
        reject(new Error(`callgrind run failed (exit ${String(code)}): ${stderr.slice(-300)}`));
      else resolve(Number(m[1]));
    });
  }).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/**
 * Instructions per `/api` request of each scenario (bare Express first): after a warm-up that is
 * not counted, a short and a long run are counted and their difference divided by the extra
 * requests, which cancels what is not per request (switching instrumentation on, exit). A given
 * configuration repeats to within 0.01 %, but each stack has its own JIT and GC history: stacks a
 * few layers apart differ by about ±2 % of a request for reasons other than their code (the
 * benchmark's `sk-*` rows land below bare), so this resolves large differences, not 2 %.
 * Instructions also weigh alike (a cache miss counts as one). About 20 s per scenario; skipped
 * without valgrind.
 */
export async function callgrindPerRequest(
  scenarios: readonly string[],
  quick: boolean,
): Promise<CallgrindResult> {
  if (!hasValgrind()) return { skipped: 'valgrind (with callgrind_control) is not installed' };
  const warmup = quick ? 1000 : 5000;
  const requests: [number, number] = quick ? [200, 600] : [1000, 3000];
  const perRequest: Record<string, number> = {};
  // Both runs of a scenario at once: valgrind runs each program on one core.
  for (const scenario of ['bare', ...scenarios.filter((s) => s !== 'bare')]) {
    const [short, long] = await Promise.all(requests.map((n) => countInstructions(scenario, warmup, n)));
    perRequest[scenario] = Math.round((long - short) / (requests[1] - requests[0]));
  }
  const bare = perRequest.bare;
  const addedBy = Object.fromEntries(Object.entries(perRequest).map(([k, v]) => [k, v - bare]));
  return {
    warmup,
    requests,
    perRequest,
    addedBy,
    addedPct: ((addedBy.statuskit ?? Number.NaN) / bare) * 100,
  };
}
