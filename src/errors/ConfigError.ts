import { redact } from '../redaction/redact';
import { StatuskitError } from './StatuskitError';

/**
 * An invalid option, thrown at construction (never on the request path). `option` names the
 * offending option; the message names it and the bad value.
 *
 * @example
 * new ConfigError('maxAttempts', 0, 'an integer ≥ 1').message
 * // '`maxAttempts` must be an integer ≥ 1, got 0'
 */
export class ConfigError extends StatuskitError {
  declare readonly code: 'ERR_STATUSKIT_CONFIG';
  /** The option's name, e.g. `'timeoutMs'` or `'dependency.id'`. */
  readonly option: string;
  /** The rejected value. */
  readonly value: unknown;

  constructor(option: string, value: unknown, expected: string) {
    super(`\`${option}\` must be ${expected}, got ${describeValue(value)}`, { code: 'ERR_STATUSKIT_CONFIG' });
    this.name = 'ConfigError';
    this.option = option;
    this.value = value;
  }
}

/**
 * A short, safe rendering of a value for an error message: a string is redacted first (a rejected
 * connection string or header must not carry its credentials into a log), then cut.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const safe = redact(value);
    return JSON.stringify(safe.length > 80 ? `${safe.slice(0, 77)}...` : safe);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return 'an object';
}
