/**
 * Benchmark of `MemoryCache`: the cost of an evicting insert (the cache full, every insert a new
 * key) at 1,000 / 10,000 / 100,000 entries, against lru-cache itself and against the previous
 * `Map`-based implementation in the same run; then memory-hit `fallback().get` against
 * cache-manager's `wrap` (the `fallback` benchmark's measure), with the new and the previous class.
 *
 * Run: npx tsc -p tsconfig.bench.json; node dist-bench/bench/memoryCache.js
 */
import { LRUCache } from 'lru-cache';
import type { CacheEntry, CacheTier } from '../../src/cache/CacheTier';
import { MemoryCache } from '../../src/cache/MemoryCache';
import { memoryHit } from './fallback';
import { median } from '../lib/stats';
import { printWhenMain } from '../lib/printWhenMain';

const SIZES = [1_000, 10_000, 100_000] as const;
const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = QUICK ? 2 : 7;
const TTL_MS = 10 * 60_000;

/**
 * The previous implementation, kept here only to be measured: a `Map` in recency order whose
 * eviction takes `keys().next()`. V8 leaves a deleted entry in place until the table is rebuilt,
 * so that call walks every entry evicted since the last rebuild: its cost grows with the fill.
 */
class PreviousMemoryCache implements CacheTier {
  private readonly slots = new Map<string, { entry: CacheEntry; expiresAt: number }>();
  constructor(private readonly maxEntries = 10_000) {}

  peek(key: string): CacheEntry | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    if (slot.expiresAt <= Date.now()) {
      this.slots.delete(key);
      return undefined;
    }
    this.slots.delete(key);
    this.slots.set(key, slot);
    return slot.entry;
  }

  get(key: string): Promise<CacheEntry | undefined> {
    return Promise.resolve(this.peek(key));
  }

  set(key: string, entry: CacheEntry, ttlMs: number): Promise<void> {
    this.slots.delete(key);
    if (!(ttlMs > 0)) return Promise.resolve();
    this.slots.set(key, { entry, expiresAt: Date.now() + ttlMs });
    if (this.slots.size > this.maxEntries) {
      const oldest = this.slots.keys().next();
      if (oldest.done !== true) this.slots.delete(oldest.value);
    }
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.slots.delete(key);
    return Promise.resolve();
  }
}

type Insert = (key: string, entry: CacheEntry) => void;
type Variant = 'statuskit' | 'lruCache' | 'previous';

/** A full cache of `size` entries of each kind, as one insert function. */
const VARIANTS: Record<Variant, (size: number) => Insert> = {
  statuskit: (size) => {
    const c = new MemoryCache({ maxEntries: size });
    return (k, e) => void c.set(k, e, TTL_MS);
  },
  // lru-cache alone, storing the entry as is: the floor statuskit's wrapper adds to.
  lruCache: (size) => {
    const c = new LRUCache<string, CacheEntry>({ max: size });
    return (k, e) => void c.set(k, e);
  },
  previous: (size) => {
    const c = new PreviousMemoryCache(size);
    return (k, e) => void c.set(k, e, TTL_MS);
  },
};

/**
 * Nanoseconds per evicting insert at `size` entries, median of the rounds. The variants alternate
 * round by round (drift on a shared machine hits all alike); each round inserts `inserts` keys the
 * cache does not hold, taken from a ring of pre-built strings longer than the cache, so key
 * building stays out of the figure and every insert evicts.
 */
function evictingInserts(size: number): Record<Variant, number> {
  const inserts = Math.max(size, 50_000);
  const ring = Array.from({ length: size + inserts }, (_, i) => `product:${i}`);
  const entry: CacheEntry = { value: { id: 1 }, storedAt: Date.now(), ttlMs: TTL_MS };
  const names = Object.keys(VARIANTS) as Variant[];
  const state = names.map((name) => {
    const insert = VARIANTS[name](size);
    for (let i = 0; i < size; i++) insert(ring[i], entry); // full: the next insert evicts
    return { name, insert, next: size, samples: [] as number[] };
  });
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? state : [...state].reverse();
    for (const s of order) {
      const { insert } = s;
      let j = s.next;
      const started = process.hrtime.bigint();
      for (let i = 0; i < inserts; i++) {
        insert(ring[j], entry);
        j = j + 1 === ring.length ? 0 : j + 1;
      }
      s.samples.push(Number(process.hrtime.bigint() - started) / inserts);
      s.next = j;
    }
  }
  return Object.fromEntries(state.map((s) => [s.name, Math.round(median(s.samples))])) as Record<
    Variant,
    number
  >;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Runs every measurement and returns the figures. */
export async function run(): Promise<Record<string, unknown>> {
  const nsPerEvictingInsert: Record<string, Record<Variant, number>> = {};
  for (const size of SIZES) nsPerEvictingInsert[size] = evictingInserts(size);
  const at = (size: number, v: Variant): number => nsPerEvictingInsert[size][v];
  const growth = (v: Variant): number => round2(at(100_000, v) / at(1_000, v));
  const memory = await memoryHit(new MemoryCache());
  const memoryPrevious = await memoryHit(new PreviousMemoryCache());
  const growthStatuskit = growth('statuskit');
  return {
    node: process.version,
    rounds: ROUNDS,
    nsPerEvictingInsert,
    growth100kOver1k: {
      statuskit: growthStatuskit,
      lruCache: growth('lruCache'),
      previous: growth('previous'),
    },
    overLruCache: Object.fromEntries(SIZES.map((n) => [n, round2(at(n, 'statuskit') / at(n, 'lruCache'))])),
    previousOverLruCache: Object.fromEntries(
      SIZES.map((n) => [n, round2(at(n, 'previous') / at(n, 'lruCache'))]),
    ),
    memoryHit: memory,
    memoryHitPrevious: memoryPrevious,
    targets: [
      {
        target: 'evicting insert at 100,000 entries ≤ 1.5 × at 1,000',
        measured: `${growthStatuskit} × (lru-cache alone ${growth('lruCache')} ×, previous ${growth('previous')} ×)`,
        met: growthStatuskit <= 1.5,
      },
      {
        target: 'memory-hit fallback().get ≥ 2.5 × cache-manager (ops/s)',
        measured: `${memory.throughputRatio} × (previous MemoryCache ${memoryPrevious.throughputRatio} ×)`,
        met: memory.throughputRatio >= 2.5,
      },
    ],
  };
}

printWhenMain(module, run);
