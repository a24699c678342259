import { ConfigError } from '../errors/ConfigError';
import type { CircuitBreaker } from './CircuitBreaker';

/**
 * Throws {@link ConfigError} naming `option` unless `value` is a {@link CircuitBreaker} (or
 * `undefined`). Duck-typed rather than `instanceof`, so a breaker from a second copy of the package
 * works too.
 */
export function assertBreaker(option: string, value: unknown): CircuitBreaker | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null) {
    const b = value as Partial<CircuitBreaker>;
    if (typeof b.execute === 'function' && typeof b.stats === 'function' && typeof b.on === 'function') {
      return value as CircuitBreaker;
    }
  }
  throw new ConfigError(option, value, 'a CircuitBreaker');
}
