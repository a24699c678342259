/**
 * One cached value and what is needed to know its age: when it was stored and for how long it is
 * fresh. An entry older than `ttlMs` is stale; a fallback may still serve it while it is younger
 * than `ttlMs + staleTtlMs`.
 */
export interface CacheEntry<T = unknown> {
  /** The cached value. */
  value: T;
  /** When the value was produced, in epoch milliseconds. */
  storedAt: number;
  /** How long the value is fresh after `storedAt`, in milliseconds (`Infinity`: forever). */
  ttlMs: number;
  /**
   * How long the source took to produce the value, in milliseconds: what early refresh weighs. Absent
   * on entries stored before it was recorded; those are never refreshed early.
   */
  sourceMs?: number;
}

/**
 * A cache tier a {@link fallback} reads before its sources and writes back to after them.
 * {@link MemoryCache} and {@link RedisCache} implement it; so can your own store.
 *
 * A tier must bound its own I/O: `get` should settle (resolve or reject) within a few milliseconds
 * of its own timeout however its backend behaves, because a fallback awaits it before the sources.
 * A rejected `get` counts as a miss; a rejected `set` is logged at debug and otherwise ignored.
 */
export interface CacheTier {
  /** The entry stored under `key`, or `undefined` when there is none (or it was evicted). */
  get(key: string): Promise<CacheEntry | undefined>;
  /** Stores `entry` under `key` and keeps it for `ttlMs` milliseconds (`Infinity`: until evicted). */
  set(key: string, entry: CacheEntry, ttlMs: number): Promise<void>;
  /** Removes the entry under `key`, if any. */
  delete(key: string): Promise<void>;
  /**
   * Optional synchronous read for in-process tiers: the entry, or `undefined` when there is none.
   * A fallback uses it to answer a fresh hit without waiting a promise tick per tier call.
   */
  peek?(key: string): CacheEntry | undefined;
}

/** `true` when `value` has the three methods of a {@link CacheTier}. */
export function isCacheTier(value: unknown): value is CacheTier {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Partial<Record<keyof CacheTier, unknown>>;
  return typeof t.get === 'function' && typeof t.set === 'function' && typeof t.delete === 'function';
}
