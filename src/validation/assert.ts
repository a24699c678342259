import { ConfigError } from '../errors/ConfigError';

/** Constraints for {@link assertNumber}. */
export interface NumberRule {
  /** Inclusive lower bound. */
  min?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** Require an integer. @default false */
  integer?: boolean;
  /** Accept `Infinity`. @default false */
  allowInfinity?: boolean;
}

function describeRule(rule: NumberRule): string {
  const parts = [rule.integer ? 'an integer' : 'a number'];
  if (rule.min !== undefined) parts.push(`≥ ${rule.min}`);
  if (rule.max !== undefined) parts.push(`≤ ${rule.max}`);
  return parts.join(' ');
}

/**
 * Throws {@link ConfigError} unless `value` is a number meeting `rule`; returns it typed.
 *
 * @example
 * assertNumber('maxAttempts', 0, { min: 1, integer: true });
 * // ConfigError: `maxAttempts` must be an integer ≥ 1, got 0
 */
export function assertNumber(name: string, value: unknown, rule: NumberRule = {}): number {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (Number.isFinite(value) || (rule.allowInfinity === true && value === Infinity)) &&
    (!rule.integer || Number.isInteger(value) || value === Infinity) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) throw new ConfigError(name, value, describeRule(rule));
  return value;
}

/** {@link assertNumber} for an optional option: `undefined` passes through as `fallback`. */
export function optionalNumber(
  name: string,
  value: unknown,
  fallback: number,
  rule: NumberRule = {},
): number {
  return value === undefined ? fallback : assertNumber(name, value, rule);
}

/** Throws {@link ConfigError} unless `value` is one of `allowed`. */
export function assertOneOf<T extends string | number>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw new ConfigError(name, value, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  return value as T;
}

/** Throws {@link ConfigError} unless `value` is a function. */
export function assertFunction<F extends (...args: never[]) => unknown>(name: string, value: unknown): F {
  if (typeof value !== 'function') throw new ConfigError(name, value, 'a function');
  return value as F;
}

/** Throws {@link ConfigError} unless `value` is a string, optionally matching `pattern`. */
export function assertString(name: string, value: unknown, pattern?: RegExp, expected?: string): string {
  if (typeof value !== 'string' || (pattern !== undefined && !pattern.test(value))) {
    throw new ConfigError(
      name,
      value,
      expected ?? (pattern ? `a string matching ${String(pattern)}` : 'a string'),
    );
  }
  return value;
}

/** Throws {@link ConfigError} unless `value` is a non-empty string. */
export function assertNonEmptyString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new ConfigError(name, value, 'a non-empty string');
  return value;
}

/** Throws {@link ConfigError} unless `value` is a boolean. */
export function assertBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(name, value, 'a boolean');
  return value;
}

/** Throws {@link ConfigError} unless `value` is a plain object (or `undefined`, which becomes `{}`). */
export function assertOptions<T extends object>(name: string, value: unknown): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(name, value, 'an options object');
  }
  return value;
}
