import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

let available: boolean | undefined;

/** Whether `taskset` (util-linux) runs here and the machine has at least two cores to split. */
export function canPin(): boolean {
  if (available === undefined) {
    const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore', timeout: 5000 });
    available = probe.status === 0 && availableParallelism() >= 2;
  }
  return available;
}

/**
 * The command line that runs `command args` pinned to one CPU core with `taskset -c <core>` when
 * pinning is possible, else unchanged. `taskset` execs the command, so the child's pid is the
 * command's own (what `/proc/<pid>/stat` must read).
 */
export function pinned(core: number, command: string, args: readonly string[]): [string, string[]] {
  if (!canPin()) return [command, [...args]];
  return ['taskset', ['-c', String(core), command, ...args]];
}
