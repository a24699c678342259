import { StatuskitError } from '../errors/StatuskitError';
import type { CacheEntry } from './CacheTier';
import { UnserializableValueError } from './UnserializableValueError';

/**
 * The stored form of a {@link CacheEntry}: `t` is `null` for an infinite `ttlMs` (JSON has no
 * Infinity); `d`, the source's duration, is absent when unknown (and in entries written before it).
 */
interface WireEntry {
  v: unknown;
  s: number;
  t: number | null;
  d?: number;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Serialises `entry` to JSON, first proving that its value survives the round trip
 * ({@link UnserializableValueError} otherwise, naming the first offending path).
 */
export function serializeEntry(key: string, entry: CacheEntry): string {
  assertRoundTrips(key, entry.value, 'value', []);
  const wire: WireEntry = {
    v: entry.value,
    s: entry.storedAt,
    t: Number.isFinite(entry.ttlMs) ? entry.ttlMs : null,
  };
  if (entry.sourceMs !== undefined && Number.isFinite(entry.sourceMs)) wire.d = entry.sourceMs;
  return JSON.stringify(wire);
}

/** Parses what {@link serializeEntry} wrote; throws a clear error for anything else. */
export function deserializeEntry(key: string, text: string): CacheEntry {
  let wire: Partial<WireEntry>;
  try {
    wire = JSON.parse(text) as Partial<WireEntry>;
  } catch {
    throw notAnEntry(key);
  }
  if (
    typeof wire !== 'object' ||
    wire === null ||
    !('v' in wire) ||
    typeof wire.s !== 'number' ||
    (wire.t !== null && typeof wire.t !== 'number')
  ) {
    throw notAnEntry(key);
  }
  const entry: CacheEntry = { value: wire.v, storedAt: wire.s, ttlMs: wire.t ?? Infinity };
  if (typeof wire.d === 'number') entry.sourceMs = wire.d;
  return entry;
}

function notAnEntry(key: string): StatuskitError {
  return new StatuskitError(`the Redis value under ${JSON.stringify(key)} is not a statuskit cache entry`);
}

/** Walks `value` like `JSON.stringify` would and throws at the first thing JSON would not restore. */
function assertRoundTrips(key: string, value: unknown, path: string, ancestors: object[]): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value))
        throw new UnserializableValueError(key, path, `${value} (JSON writes null)`);
      return;
    case 'bigint':
      throw new UnserializableValueError(key, path, 'a BigInt (JSON cannot write it)');
    case 'undefined':
      throw new UnserializableValueError(key, path, 'undefined (JSON drops it)');
    case 'function':
      throw new UnserializableValueError(key, path, 'a function (JSON drops it)');
    case 'symbol':
      throw new UnserializableValueError(key, path, 'a symbol (JSON drops it)');
  }
  if (value === null) return;
  const object = value as object;
  if (ancestors.includes(object)) throw new UnserializableValueError(key, path, 'a circular reference');
  ancestors.push(object);
  if (Array.isArray(object)) {
    for (let i = 0; i < object.length; i++) assertRoundTrips(key, object[i], `${path}[${i}]`, ancestors);
  } else {
    const proto = Object.getPrototypeOf(object) as object | null;
    if (proto !== Object.prototype && proto !== null) {
      const ctor = (proto as { constructor?: { name?: string } }).constructor?.name || 'class instance';
      throw new UnserializableValueError(key, path, `a ${ctor} (JSON does not restore it)`);
    }
    for (const k of Object.keys(object)) {
      const child = IDENTIFIER.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
      assertRoundTrips(key, (object as Record<string, unknown>)[k], child, ancestors);
    }
  }
  ancestors.pop();
}
