import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** Kernel clock ticks per second (`getconf CLK_TCK`), the unit of `/proc/<pid>/stat` times; 100 if unknown. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond !== undefined) return ticksPerSecond;
  try {
    const out = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 });
    const n = Number(out.trim());
    ticksPerSecond = Number.isInteger(n) && n > 0 ? n : 100;
  } catch {
    ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/**
 * Parses the `utime` and `stime` fields (14th and 15th) of a `/proc/<pid>/stat` line, in ticks.
 * The command name (2nd field) is in parentheses and may itself hold spaces or parentheses, so
 * fields are counted from the last `)`.
 */
export function parseProcStat(line: string): { utime: number; stime: number } {
  const afterName = line.slice(line.lastIndexOf(')') + 2).split(' ');
  // afterName[0] is field 3 (state); utime is field 14, stime field 15.
  const utime = Number(afterName[11]);
  const stime = Number(afterName[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`unexpected /proc stat line: ${line}`);
  return { utime, stime };
}

/**
 * CPU time (user + system, every thread) a process has used so far, in microseconds, read from
 * `/proc/<pid>/stat`; `undefined` where `/proc` is absent (not Linux) or the process is gone.
 * The resolution is one clock tick (10 ms at 100 Hz), negligible over a run of seconds.
 */
export function processCpuMicros(pid: number): number | undefined {
  let line: string;
  try {
    line = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const { utime, stime } = parseProcStat(line);
  return ((utime + stime) * 1e6) / clockTicksPerSecond();
}
