import { assertBreaker } from '../breaker/assertBreaker';
import type { CircuitBreaker } from '../breaker/CircuitBreaker';
import { DEPENDENCY_ID_PATTERN, type Dependency, type DependencyMode } from '../dependencies/Dependency';
import { ConfigError } from '../errors/ConfigError';
import { Urgency } from '../status/Urgency';
import { assertFunction, assertOneOf, assertString, optionalNumber } from '../validation/assert';
import { MAX_TIMER_MS, type ResolvedManagerOptions } from './DependencyManagerOptions';

/** A registered dependency with every field validated and defaulted, resolved once at `register()`. */
export interface ResolvedDependency {
  readonly id: string;
  readonly description: string;
  readonly urgency: Urgency;
  readonly type: string;
  readonly documentationUrl: string | undefined;
  readonly timeoutMs: number;
  readonly pingPeriodMs: number;
  readonly mode: DependencyMode;
  readonly toggle: (() => boolean) | undefined;
  readonly check: Dependency['check'];
  /** The dependency's circuit breaker, if any. */
  readonly breaker: CircuitBreaker | undefined;
  /** `true` when the breaker is all there is: no check of its own. */
  readonly passive: boolean;
  /** After how long without a new result a background result reports OUTAGE `stale…`. */
  readonly staleAfterMs: number;
  /** The caller's object, as passed to `register()` (never mutated). */
  readonly source: Dependency;
}

const MODES: readonly DependencyMode[] = ['background', 'live'];

function optionalString(name: string, value: unknown): string | undefined {
  return value === undefined ? undefined : assertString(name, value);
}

function passiveCheck(): void {
  // The breaker's state is the whole answer; it is read when the run's result is built.
}

function resolveBreaker(d: Partial<Dependency>): Pick<ResolvedDependency, 'check' | 'breaker' | 'passive'> {
  const breaker = assertBreaker('dependency.breaker', d.breaker);
  if (breaker !== undefined && d.check === undefined) {
    return { check: passiveCheck, breaker, passive: true };
  }
  return {
    check: assertFunction<Dependency['check']>('dependency.check', d.check),
    breaker,
    passive: false,
  };
}

/**
 * Validates a dependency passed to `register()` and applies the manager's defaults. Throws
 * {@link ConfigError} naming the offending field (`dependency.<field>`).
 */
export function resolveDependency(dep: unknown, defaults: ResolvedManagerOptions): ResolvedDependency {
  if (typeof dep !== 'object' || dep === null || Array.isArray(dep)) {
    throw new ConfigError('dependency', dep, 'a Dependency object');
  }
  const d = dep as Partial<Dependency>;
  const id = assertString('dependency.id', d.id, DEPENDENCY_ID_PATTERN);
  const timeoutMs = optionalNumber('dependency.timeoutMs', d.timeoutMs, defaults.timeoutMs, {
    min: 0,
    max: MAX_TIMER_MS,
    integer: true,
  });
  const pingPeriodMs = optionalNumber('dependency.pingPeriodMs', d.pingPeriodMs, defaults.pingPeriodMs, {
    min: 1,
    max: MAX_TIMER_MS,
    integer: true,
  });
  return Object.freeze({
    id,
    description: optionalString('dependency.description', d.description) ?? '',
    urgency:
      d.urgency === undefined
        ? Urgency.UNKNOWN
        : assertOneOf('dependency.urgency', d.urgency, Urgency.values),
    type: optionalString('dependency.type', d.type) ?? 'other',
    documentationUrl: optionalString('dependency.documentationUrl', d.documentationUrl),
    timeoutMs,
    pingPeriodMs,
    mode: d.mode === undefined ? 'background' : assertOneOf('dependency.mode', d.mode, MODES),
    toggle: d.toggle === undefined ? undefined : assertFunction<() => boolean>('dependency.toggle', d.toggle),
    ...resolveBreaker(d),
    // A result older than 3 × pingPeriodMs + timeoutMs reports OUTAGE: three missed runs mean the timer or the check is stuck.
    staleAfterMs: Math.min(3 * pingPeriodMs + timeoutMs, MAX_TIMER_MS),
    source: dep as Dependency,
  });
}
