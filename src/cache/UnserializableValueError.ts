import { StatuskitError } from '../errors/StatuskitError';

/**
 * A value given to a serialising cache tier ({@link RedisCache}) would not come back as it went in
 * through JSON: a function, a `BigInt`, a symbol, `undefined`, `NaN`/`Infinity`, a circular
 * reference, or a class instance such as a `Date`, `Map` or `Set`. Nothing was stored.
 *
 * @example
 * await cache.set('k', { value: { at: new Date() }, storedAt: Date.now(), ttlMs: 1000 }, 1000);
 * // UnserializableValueError: cannot cache the value under "k" as JSON: value.at is a Date …
 */
export class UnserializableValueError extends StatuskitError {
  declare readonly code: 'ERR_STATUSKIT_CACHE_VALUE';
  /** The cache key the value was meant for. */
  readonly key: string;
  /** Where in the value the problem is, e.g. `'value.items[2].price'`. */
  readonly path: string;

  constructor(key: string, path: string, problem: string) {
    super(
      `cannot cache the value under ${JSON.stringify(key)} as JSON: ${path} is ${problem}; ` +
        'store plain objects, arrays, strings, finite numbers, booleans and null',
      { code: 'ERR_STATUSKIT_CACHE_VALUE' },
    );
    this.name = 'UnserializableValueError';
    this.key = key;
    this.path = path;
  }
}
