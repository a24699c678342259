import type { CheckOutcome } from '../../src/dependencies/Dependency';
import { ConfigError } from '../../src/errors/ConfigError';
import { CheckStatus } from '../../src/status/CheckStatus';
import { compileThresholds, type FloorThresholds, type ThresholdMap, type Thresholds } from './thresholds';

/** One measured figure of a multi-figure check (memory, disk) and its compiled thresholds. */
export interface Measure {
  /** Words before the value in the message, e.g. `'heap used'`. */
  label: string;
  map: ThresholdMap;
  format: (n: number) => string;
  unit: string;
}

/**
 * Compiles the option `name` of a multi-figure check: `false` turns the figure off, `undefined`
 * takes `defaults` (`false` = off by default), an object is the whole threshold ladder.
 */
export function resolveMeasure(
  name: string,
  value: unknown,
  defaults: Thresholds | FloorThresholds | false,
  dir: 'max' | 'min',
  figure: Omit<Measure, 'map'>,
): Measure | undefined {
  const spec = value === undefined ? defaults : value;
  if (spec === false) return undefined;
  return { ...figure, map: compileThresholds(name, spec, dir, figure.format) };
}

/** `ConfigError` unless at least one figure is on. */
export function requireSomeMeasure(names: string, measures: readonly (Measure | undefined)[]): Measure[] {
  const on = measures.filter((m): m is Measure => m !== undefined);
  if (on.length === 0) throw new ConfigError(names, false, 'switched on for at least one figure');
  return on;
}

/**
 * The outcome of several figures: the worst status, every figure in the message, and the first
 * figure as `observedValue`.
 */
export function judgeMeasures(readings: readonly { measure: Measure; value: number }[]): CheckOutcome {
  const parts: string[] = [];
  let status: CheckStatus = 'OK';
  for (const { measure, value } of readings) {
    const verdict = measure.map.explain(value);
    status = CheckStatus.worst(status, verdict.status);
    parts.push(`${measure.label}: ${measure.format(value)} (${verdict.reason})`);
  }
  const first = readings[0];
  const outcome: CheckOutcome = { status, message: parts.join('; ') };
  if (first !== undefined) {
    outcome.observedValue = first.value;
    outcome.observedUnit = first.measure.unit;
  }
  return outcome;
}
