import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

/** Instruction counts per request under callgrind, or why they were not taken. */
export type CallgrindResult =
  | { skipped: string }
  | {
      /** Request counts of the short and the long run of each variant. */
      requests: [number, number];
      /** Instructions per request of each variant: (long − short) / (difference in requests). */
      perRequest: Record<string, number>;
      /** `statuskit api − bare api`, instructions per request. */
      addedPerRequest: number;
      addedPct: number;
      /** Each scenario's `/api` instructions per request minus bare's. */
      addedBy: Record<string, number>;
    };

const TARGET = path.join(__dirname, 'injectTarget.js');

/** Whether `valgrind` runs here. */
export function hasValgrind(): boolean {
  return spawnSync('valgrind', ['--version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/** Total instructions (`Ir`) of `node injectTarget.js <scenario> api <count>` under callgrind. */
function countInstructions(scenario: string, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        '--callgrind-out-file=/dev/null',
        process.execPath,
        TARGET,
        scenario,
        'api',
        String(count),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const m = /Collected\s*:\s*(\d+)/.exec(stderr);
      if (code !== 0 || m === null)
        reject(new Error(`callgrind run failed (exit ${String(code)}): ${stderr.slice(-300)}`));
      else resolve(Number(m[1]));
    });
  });
}

/**
 * Instructions per `/api` request of each scenario (bare Express, statuskit, statuskit's pieces):
 * each runs twice (a short and a long run) and the difference divided by the extra requests
 * cancels start-up, loading and most JIT warm-up. Counts are stable from run to run where CPU time
 * is not, but they weigh every instruction alike (a cache miss counts as one). About a minute per
 * scenario; skipped without valgrind.
 */
export async function callgrindPerRequest(
  scenarios: readonly string[],
  quick: boolean,
): Promise<CallgrindResult> {
  if (!hasValgrind()) return { skipped: 'valgrind is not installed' };
  const requests: [number, number] = quick ? [500, 1500] : [3000, 8000];
  const perRequest: Record<string, number> = {};
  // Two at a time: valgrind runs each program on one core.
  for (const scenario of ['bare', ...scenarios.filter((s) => s !== 'bare')]) {
    const [short, long] = await Promise.all(requests.map((n) => countInstructions(scenario, n)));
    perRequest[scenario] = (long - short) / (requests[1] - requests[0]);
  }
  const bare = perRequest.bare;
  const addedBy = Object.fromEntries(Object.entries(perRequest).map(([k, v]) => [k, v - bare]));
  const added = addedBy.statuskit ?? Number.NaN;
  return { requests, perRequest, addedPerRequest: added, addedPct: (added / bare) * 100, addedBy };
}
