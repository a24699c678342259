import type { CheckStatus } from '../../src/status/CheckStatus';
import { assertNumber, assertOptions } from '../../src/validation/assert';

/**
 * Upper bounds, inclusive: `value ≤ maxOk` → OK, `≤ maxMinor` → MINOR, `≤ maxMajor` →
 * MAJOR, else OUTAGE. A level left out is skipped: with only `maxOk`, anything above it is OUTAGE.
 */
export interface Thresholds {
  maxOk: number;
  maxMinor?: number;
  maxMajor?: number;
}

/**
 * Lower bounds, inclusive, for values where less is worse (free disk space): `value ≥ minOk` → OK,
 * `≥ minMinor` → MINOR, `≥ minMajor` → MAJOR, else OUTAGE. A level left out is skipped.
 */
export interface FloorThresholds {
  minOk: number;
  minMinor?: number;
  minMajor?: number;
}

/** Thresholds compiled once at construction: value → status, and the reason in words. */
export interface ThresholdMap {
  /** The status `value` falls into; `NaN` is OUTAGE. */
  statusOf(value: number): CheckStatus;
  /** `{ status, reason }` where reason names the bound, e.g. `'> maxOk 100 ms'`. */
  explain(value: number): { status: CheckStatus; reason: string };
}

type Direction = 'max' | 'min';
interface Level {
  status: CheckStatus;
  key: string;
  bound: number;
}

const LEVELS = [
  ['OK', 'Ok'],
  ['MINOR', 'Minor'],
  ['MAJOR', 'Major'],
] as const;

/**
 * Validates and compiles upper-bound {@link Thresholds} (`dir: 'max'`) or {@link FloorThresholds}
 * (`dir: 'min'`). Bounds must be numbers, in order (ascending for `max`, descending for `min`);
 * otherwise `ConfigError` naming `<name>.<key>` (or the bare key when `name` is empty).
 */
export function compileThresholds(
  name: string,
  spec: unknown,
  dir: Direction,
  format: (n: number) => string = String,
): ThresholdMap {
  const o = assertOptions<Record<string, unknown>>(name || 'thresholds', spec);
  const levels: Level[] = [];
  for (const [status, suffix] of LEVELS) {
    const key = `${dir}${suffix}`;
    const value = o[key];
    if (value === undefined && status !== 'OK') continue;
    const prev = levels[levels.length - 1]?.bound;
    const rule = prev === undefined ? {} : dir === 'max' ? { min: prev } : { max: prev };
    const bound = assertNumber(name ? `${name}.${key}` : key, value, {
      ...rule,
      allowInfinity: dir === 'max',
    });
    levels.push({ status, key, bound });
  }
  return buildMap(levels, dir, format);
}

function buildMap(levels: readonly Level[], dir: Direction, format: (n: number) => string): ThresholdMap {
  const within = dir === 'max' ? (v: number, b: number) => v <= b : (v: number, b: number) => v >= b;
  const [inside, outside] = dir === 'max' ? ['≤', '>'] : ['≥', '<'];
  const statusOf = (value: number): CheckStatus => {
    for (const level of levels) if (within(value, level.bound)) return level.status;
    return 'OUTAGE';
  };
  return Object.freeze({
    statusOf,
    explain(value: number) {
      if (Number.isNaN(value)) return { status: 'OUTAGE' as const, reason: 'not a number' };
      const index = levels.findIndex((l) => within(value, l.bound));
      // The reason names the last bound crossed (or, for OK, the bound that holds).
      const level = index === 0 ? levels[0] : levels[(index === -1 ? levels.length : index) - 1];
      const sign = index === 0 ? inside : outside;
      const status = index === -1 ? 'OUTAGE' : levels[index].status;
      return { status, reason: `${sign} ${level.key} ${format(level.bound)}` };
    },
  });
}

/**
 * The ladder a factory compiles from flat options: the user's bounds when any of
 * `<dir>Ok/<dir>Minor/<dir>Major` is given (levels left out are skipped), else `defaults` whole —
 * never a mix, so a user's `maxOk: 1000` cannot clash with a default `maxMinor: 500`.
 */
export function ladderOrDefaults(
  opts: Readonly<Record<string, unknown>>,
  dir: Direction,
  defaults: Thresholds | FloorThresholds,
): Record<string, unknown> {
  const keys = LEVELS.map(([, suffix]) => `${dir}${suffix}`);
  if (keys.every((k) => opts[k] === undefined)) return { ...defaults };
  return Object.fromEntries(keys.map((k) => [k, opts[k]]));
}
