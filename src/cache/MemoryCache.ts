import { assertFunction, assertOptions, optionalNumber } from '../validation/assert';
import type { CacheEntry, CacheTier } from './CacheTier';

/** Options of {@link MemoryCache}. */
export interface MemoryCacheOptions {
  /**
   * How many entries to keep; storing one more evicts the least recently used.
   * @default 10000
   */
  maxEntries?: number;
  /**
   * The clock, in epoch milliseconds. Inject one to test expiry without waiting.
   * @default () => Date.now() (read at each call, so jest's fake timers move it)
   */
  now?: () => number;
}

/** Defaults of {@link MemoryCacheOptions}. */
export const MEMORY_CACHE_DEFAULTS = {
  maxEntries: 10_000,
  now: (): number => Date.now(),
} as const;

interface Slot {
  readonly entry: CacheEntry;
  readonly expiresAt: number;
}

const DONE: Promise<void> = Promise.resolve();

/**
 * An in-process {@link CacheTier}: a bounded LRU with a per-entry time to live, the embedded default
 * when no Redis is shared between instances.
 *
 * Built on a `Map`, whose insertion order is the recency order: a hit moves the key to the end, an
 * insert beyond `maxEntries` evicts the first key. Every operation is O(1) and no timer runs: an
 * expired entry is dropped when it is next read, or pushed out by newer ones.
 *
 * Values are stored by reference (no copy, no serialisation): do not mutate what you store or read.
 *
 * @example
 * const cache = new MemoryCache({ maxEntries: 1000 });
 * await cache.set('a', { value: 1, storedAt: Date.now(), ttlMs: 60_000 }, 120_000);
 * (await cache.get('a'))?.value; // 1
 */
export class MemoryCache implements CacheTier {
  /** The resolved `maxEntries`. */
  readonly maxEntries: number;
  private readonly now: () => number;
  private readonly slots = new Map<string, Slot>();

  constructor(opts?: MemoryCacheOptions) {
    const o = assertOptions<MemoryCacheOptions>('MemoryCache options', opts);
    this.maxEntries = optionalNumber('maxEntries', o.maxEntries, MEMORY_CACHE_DEFAULTS.maxEntries, {
      min: 1,
      integer: true,
    });
    this.now = o.now === undefined ? MEMORY_CACHE_DEFAULTS.now : assertFunction<() => number>('now', o.now);
  }

  /** How many entries are held, expired ones not yet dropped included. */
  get size(): number {
    return this.slots.size;
  }

  /** Synchronous {@link get}: the live entry under `key` (marking it most recently used), or `undefined`. */
  peek(key: string): CacheEntry | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    if (slot.expiresAt <= this.now()) {
      this.slots.delete(key);
      return undefined;
    }
    this.slots.delete(key);
    this.slots.set(key, slot);
    return slot.entry;
  }

  /** The live entry under `key`, or `undefined`. */
  get(key: string): Promise<CacheEntry | undefined> {
    return Promise.resolve(this.peek(key));
  }

  /** Stores `entry` for `ttlMs` milliseconds (`Infinity`: until evicted; not a positive number: not at all). */
  set(key: string, entry: CacheEntry, ttlMs: number): Promise<void> {
    this.slots.delete(key);
    if (!(ttlMs > 0)) return DONE;
    this.slots.set(key, { entry, expiresAt: this.now() + ttlMs });
    if (this.slots.size > this.maxEntries) {
      const oldest = this.slots.keys().next();
      if (oldest.done !== true) this.slots.delete(oldest.value);
    }
    return DONE;
  }

  /** Removes the entry under `key`. */
  delete(key: string): Promise<void> {
    this.slots.delete(key);
    return DONE;
  }

  /** Removes every entry. */
  clear(): void {
    this.slots.clear();
  }
}
