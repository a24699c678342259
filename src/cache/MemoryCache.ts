import { LRUCache } from 'lru-cache';
import { assertFunction, assertOptions, optionalNumber } from '../validation/assert';
import type { CacheEntry, CacheTier } from './CacheTier';

/**
 * The largest `maxEntries`: a V8 `Map` holds at most 2^24 entries, and the LRU index is allocated
 * for `maxEntries` up front, so a larger bound could only fail later (or exhaust memory at once).
 */
const MAX_ENTRIES = 2 ** 24;

/** Options of {@link MemoryCache}. */
export interface MemoryCacheOptions {
  /**
   * How many entries to keep (1 to 16,777,216); storing one more evicts the least recently used.
   * The recency index is allocated for this many entries at construction (about 20–30 bytes each).
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
 * Built on lru-cache, whose doubly linked recency list over preallocated typed arrays keeps every
 * operation O(1) at any fill: a hit makes the key the most recently used, an insert beyond
 * `maxEntries` evicts the least recently used. Expiry is this class's own (a deadline per entry,
 * read from `now`), so no timer runs: an expired entry is dropped when it is next read, or pushed
 * out by newer ones.
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
  private readonly slots: LRUCache<string, Slot>;

  constructor(opts?: MemoryCacheOptions) {
    const o = assertOptions<MemoryCacheOptions>('MemoryCache options', opts);
    this.maxEntries = optionalNumber('maxEntries', o.maxEntries, MEMORY_CACHE_DEFAULTS.maxEntries, {
      min: 1,
      max: MAX_ENTRIES,
      integer: true,
    });
    this.slots = new LRUCache<string, Slot>({ max: this.maxEntries });
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
    return slot.entry;
  }

  /** The live entry under `key`, or `undefined`. */
  get(key: string): Promise<CacheEntry | undefined> {
    return Promise.resolve(this.peek(key));
  }

  /** Stores `entry` for `ttlMs` milliseconds (`Infinity`: until evicted; not a positive number: not at all). */
  set(key: string, entry: CacheEntry, ttlMs: number): Promise<void> {
    if (!(ttlMs > 0)) {
      this.slots.delete(key);
      return DONE;
    }
    // Replacing a key makes it the most recently used; a new key beyond maxEntries evicts the least.
    this.slots.set(key, { entry, expiresAt: this.now() + ttlMs });
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
