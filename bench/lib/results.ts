import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MachineInfo } from './machine';

/** How one benchmark of a run ended. */
export interface BenchmarkEntry {
  status: 'ok' | 'missing' | 'error' | 'timeout';
  /** ISO time the benchmark started. */
  ranAt: string;
  seconds: number;
  /** The machine and load when it ran (entries of a filtered run keep their own). */
  machine: MachineInfo;
  /** The command line options it ran with. */
  options: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: string;
}

/** `bench/results/latest.json`: the latest entry of every benchmark. */
export interface ResultsFile {
  updatedAt: string;
  /** The command of the run that wrote the file last. */
  command: string;
  benchmarks: Record<string, BenchmarkEntry>;
}

/** The repository's results file (from `dist-bench/bench/lib`, three levels up). */
export const RESULTS_FILE = path.resolve(__dirname, '../../../bench/results/latest.json');

/** Reads the results file; an empty one when absent or unreadable. */
export function loadResults(file = RESULTS_FILE): ResultsFile {
  if (!existsSync(file)) return { updatedAt: '', command: '', benchmarks: {} };
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
  } catch {
    return { updatedAt: '', command: '', benchmarks: {} };
  }
}

/**
 * The previous results with this run's entries replacing theirs: a filtered run (`npm run bench --
 * peers`) updates only what it ran and keeps the rest.
 */
export function mergeResults(
  previous: ResultsFile,
  command: string,
  entries: Record<string, BenchmarkEntry>,
): ResultsFile {
  return {
    updatedAt: new Date().toISOString(),
    command,
    benchmarks: { ...previous.benchmarks, ...entries },
  };
}

/** Writes the results file, pretty-printed (it is committed and reviewed). */
export function saveResults(results: ResultsFile, file = RESULTS_FILE): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
