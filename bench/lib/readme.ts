import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Markers in `bench/README.md` between which the runner writes the latest results. */
export const RESULTS_START = '<!-- results:start -->';
export const RESULTS_END = '<!-- results:end -->';

/** The README whose results section the runner rewrites (from `dist-bench/bench/lib`). */
export const README_FILE = path.resolve(__dirname, '../../../bench/README.md');

/**
 * `text` with everything between the two markers replaced by `content` (markers kept).
 * @throws Error when a marker is missing or out of order, so a broken README is never half-written.
 */
export function replaceBetweenMarkers(text: string, content: string): string {
  const start = text.indexOf(RESULTS_START);
  const end = text.indexOf(RESULTS_END);
  if (start < 0 || end < start) throw new Error(`README lacks ${RESULTS_START} … ${RESULTS_END}`);
  return `${text.slice(0, start + RESULTS_START.length)}\n${content.trim()}\n${text.slice(end)}`;
}

/** Writes `content` into the README's results section. */
export function writeReadmeResults(content: string, file = README_FILE): void {
  writeFileSync(file, replaceBetweenMarkers(readFileSync(file, 'utf8'), content));
}
