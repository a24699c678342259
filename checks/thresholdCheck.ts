import type { CheckContext, Dependency, DependencyOptions } from '../src/dependencies/Dependency';
import { ConfigError, describeValue } from '../src/errors/ConfigError';
import { assertFunction, assertOptions, assertString } from '../src/validation/assert';
import { resolveCheckBase, toDependency } from './shared/resolveCheckBase';
import { compileThresholds, type Thresholds } from './shared/thresholds';

/** Options of {@link thresholdCheck}: the value, its bounds, and every `Dependency` field. */
export interface ThresholdCheckOptions extends DependencyOptions, Thresholds {
  /** Required: the dependency id. */
  id: string;
  /** Reads the value, sync or async; receives the run's `AbortSignal`. */
  value: (ctx: CheckContext) => number | Promise<number>;
  /** Highest value still OK (inclusive). */
  maxOk: number;
  /** Highest value still MINOR (inclusive); left out, the MINOR level is skipped. */
  maxMinor?: number;
  /** Highest value still MAJOR (inclusive); left out, the MAJOR level is skipped. */
  maxMajor?: number;
  /** Unit shown after the value and in `observedUnit`, e.g. `'ms'`, `'jobs'`. @default '' (none) */
  unit?: string;
  /** @default 'other' */
  type?: string;
}

/** Defaults of {@link ThresholdCheckOptions} beyond the `Dependency` ones. */
export const THRESHOLD_CHECK_DEFAULTS = Object.freeze({ type: 'other', unit: '' });

/**
 * A dependency that maps a number onto a status with inclusive upper bounds: `≤ maxOk`
 * OK, `≤ maxMinor` MINOR, `≤ maxMajor` MAJOR, else OUTAGE (a level left out is skipped). The value
 * is reported as `observedValue`; a value that is not a finite number is OUTAGE. Bounds must
 * ascend, else `ConfigError` at construction.
 *
 * @example
 * thresholdCheck({ id: 'queue-depth', value: () => queue.length, maxOk: 100, maxMinor: 1000, unit: 'jobs' });
 */
export function thresholdCheck(opts: ThresholdCheckOptions): Dependency {
  const o = assertOptions<ThresholdCheckOptions>('options', opts);
  if (o.id === undefined)
    throw new ConfigError('id', undefined, 'a dependency id (thresholdCheck needs one)');
  const base = resolveCheckBase(o, { id: o.id, type: THRESHOLD_CHECK_DEFAULTS.type });
  const read = assertFunction<ThresholdCheckOptions['value']>('value', o.value);
  const unit = o.unit === undefined ? THRESHOLD_CHECK_DEFAULTS.unit : assertString('unit', o.unit);
  const suffix = unit === '' ? '' : ` ${unit}`;
  const map = compileThresholds(
    '',
    { maxOk: o.maxOk, maxMinor: o.maxMinor, maxMajor: o.maxMajor },
    'max',
    (n) => `${n}${suffix}`,
  );
  return toDependency(base, async (ctx) => {
    const value: unknown = await read(ctx);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return { status: 'OUTAGE', message: `value is not a finite number: ${describeValue(value)}` };
    }
    const { status, reason } = map.explain(value);
    const outcome = { status, message: `${value}${suffix} (${reason})`, observedValue: value };
    return unit === '' ? outcome : { ...outcome, observedUnit: unit };
  });
}
