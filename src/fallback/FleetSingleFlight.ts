import { randomUUID } from 'node:crypto';
import type { CacheTier } from '../cache/CacheTier';
import type { FleetLease } from '../cache/FleetLease';
import { RedisCache } from '../cache/RedisCache';
import { ConfigError } from '../errors/ConfigError';
import { sleep } from '../retry/sleep';
import type { FleetObserver } from './FleetMetrics';

/** First wait of a waiter before it looks at the lease again, in milliseconds. */
export const FIRST_POLL_MS = 5;
/**
 * Longest wait between two looks: a waiter answers at most this long (plus a round trip) after the
 * holder's write, and a waiting instance sends about 2 × 1000 / this commands a second per key (the
 * entry read and the lease check; 20 ms cost waiters 4–10 ms more at p99 in `bench/peers/fleet.ts`).
 */
export const MAX_POLL_MS = 10;
/** After a lease command failed, calls skip the lease this long: a frozen Redis costs one bound, not two. */
export const LEASE_BACKOFF_MS = 1000;

/** How a wait on the lease ended. */
type Turn<R> = { kind: 'holder' | 'took_over' | 'timed_out' } | { kind: 'shared'; fresh: R };

/**
 * One instance of the fleet calls the sources for a key at a time; the others wait for its entry.
 * Runs inside the process single flight of a {@link Fallback} (or of a `cachedRoute`), so each
 * instance takes part once per key, whatever its number of concurrent callers.
 *
 * - `SET NX` won: this instance is the holder; it runs the chain (whose write-back goes out before
 *   the release, on the same connection, so a waiter never sees the lease gone before the entry) and
 *   gives the lease back.
 * - Lost: every few milliseconds (5, 10, 10 … ms) it reads the entry and looks at the lease,
 *   in one round trip: a fresh entry → answered from the cache; no fresh entry and the lease gone
 *   (the holder failed, was cancelled, or died and its lease expired) → it tries to take the lease
 *   itself, so a recovering database still sees one caller at a time. After `waitMs` (a holder and one successor) it calls the sources
 *   itself.
 * - Any lease command failing (Redis down: at once; frozen: after its bound) → the sources are
 *   called at once, and lease commands are skipped for {@link LEASE_BACKOFF_MS}: the process
 *   single flight is all that is left, and nothing ever waits on Redis beyond one bound.
 *
 * Polls rather than pub/sub: no subscriber connection to open and close per cache, nothing to
 * route on Cluster, and a missed message cannot strand a waiter; the cost is at most
 * {@link MAX_POLL_MS} of extra latency, measured in `bench/fleet.ts`.
 */
export class FleetSingleFlight {
  private skipUntil = 0;

  /** How long a lease lasts, in ms: the holder's sources at worst, plus two Redis bounds (its write). */
  readonly leaseMs: number;
  /**
   * How long a waiter waits for an entry before calling the sources itself, in ms: two leases (the
   * holder's, then one successor's when the holder failed or died) plus a poll and a Redis bound.
   */
  readonly waitMs: number;

  /**
   * `sourcesMs`: the longest the chain's sources may take (`sources.length × sourceTimeoutMs`);
   * `observer`: told how each call went (the fleet metrics).
   */
  constructor(
    private readonly lease: FleetLease,
    sourcesMs: number,
    private readonly observer: FleetObserver = { settled: () => undefined },
  ) {
    this.leaseMs = sourcesMs + 2 * lease.commandTimeoutMs;
    this.waitMs = 2 * this.leaseMs + MAX_POLL_MS + lease.commandTimeoutMs;
  }

  /**
   * `callSources` once this instance may (holder, Redis failing, or waited long enough), or the
   * entry the holder wrote (`readFresh`: the fresh cached answer, or `undefined`). `signal` aborted
   * (the caller is gone): the wait stops and `callSources` is called at once, Redis not blamed.
   */
  async run<R>(
    key: string,
    readFresh: () => Promise<R | undefined>,
    callSources: () => Promise<R>,
    signal?: AbortSignal,
  ): Promise<R> {
    const startedAt = Date.now();
    if (startedAt < this.skipUntil) {
      this.observer.settled('skipped', 0);
      return callSources();
    }
    const token = randomUUID();
    let outcome: Turn<R>;
    try {
      outcome = await this.acquireOrWait(key, token, readFresh, signal);
    } catch {
      if (signal?.aborted !== true) {
        this.skipUntil = Date.now() + LEASE_BACKOFF_MS;
        this.observer.settled('redis_failed', 0);
      }
      return callSources();
    }
    const waitedMs = outcome.kind === 'holder' ? 0 : Math.max(1, Date.now() - startedAt);
    this.observer.settled(outcome.kind, waitedMs);
    if (outcome.kind === 'timed_out') return callSources();
    if (outcome.kind === 'shared') return outcome.fresh;
    try {
      return await callSources();
    } finally {
      // Fire and forget: a failed release only leaves the lease to expire.
      this.lease.release(key, token).catch(() => undefined);
    }
  }

  /** Takes the lease, or waits for the holder's entry, up to `waitMs`; rejects when Redis fails. */
  private async acquireOrWait<R>(
    key: string,
    token: string,
    readFresh: () => Promise<R | undefined>,
    signal: AbortSignal | undefined,
  ): Promise<Turn<R>> {
    const deadline = Date.now() + this.waitMs;
    let pollMs = FIRST_POLL_MS;
    let waited = false;
    while (!(await this.lease.acquire(key, token, this.leaseMs))) {
      waited = true;
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) return { kind: 'timed_out' };
        await sleep(Math.min(pollMs, left), signal);
        pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
        // Both at once, one round trip: the entry is seen as soon as it is written, before the
        // holder's release; the lease gone without a fresh entry means it is ours to take.
        const [fresh, held] = await Promise.all([readFresh(), this.lease.held(key)]);
        if (fresh !== undefined) return { kind: 'shared', fresh };
        if (!held) break;
      }
    }
    return { kind: waited ? 'took_over' : 'holder' };
  }
}

/**
 * `singleFlight: 'fleet'` needs a Redis to hold leases, an entry waiters can use, and a bounded
 * lease: `boundName` is the option bounding the work the lease covers, `boundMs` its value.
 */
export function assertFleetWorks(
  cache: CacheTier | undefined,
  ttlMs: number,
  boundName: string,
  boundMs: number,
): void {
  if (!(cache instanceof RedisCache)) {
    throw new ConfigError(
      'singleFlight',
      'fleet',
      `'process' unless \`cache\` is a RedisCache (the fleet's lease lives in Redis; cache: ${cache === undefined ? 'none' : cache.constructor.name})`,
    );
  }
  if (!(ttlMs > 0)) {
    throw new ConfigError(
      'ttlMs',
      ttlMs,
      "above 0 with singleFlight 'fleet' (waiters take the holder's fresh entry)",
    );
  }
  if (!(boundMs > 0 && Number.isFinite(boundMs))) {
    throw new ConfigError(
      boundName,
      boundMs,
      "finite and above 0 with singleFlight 'fleet' (it bounds the lease)",
    );
  }
}
