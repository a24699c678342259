import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canPin } from './taskset';

/** Where the benchmarks ran: what a reader needs to judge the figures. */
export interface MachineInfo {
  node: string;
  os: string;
  cpuModel: string;
  nproc: number;
  memoryGiB: number;
  /** 1, 5 and 15 minute load averages when the run started: a busy machine shows here. */
  loadAverage: number[];
  taskset: boolean;
  versions: Record<string, string>;
  gitCommit: string;
}

const ROOT = path.resolve(__dirname, '../../..');

function packageVersion(name: string): string {
  // The competitors come from bench/peers's own package, the rest from the library's.
  for (const dir of ['bench/peers/node_modules', 'node_modules']) {
    try {
      const file = path.join(ROOT, dir, name, 'package.json');
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    } catch {
      // not installed there
    }
  }
  return 'absent';
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 5000,
    }).trim();
  } catch {
    return 'unknown';
  }
}

/** Node, OS, CPU, load and the versions of Express and every peer package measured. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    nproc: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    taskset: canPin(),
    versions: Object.fromEntries(
      [
        'express',
        '@godaddy/terminus',
        'lightship',
        'express-actuator',
        'autocannon',
        'light-my-request',
        'cache-manager',
        'ioredis',
      ].map((name) => [name, packageVersion(name)]),
    ),
    gitCommit: gitCommit(),
  };
}
