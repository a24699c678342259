/** Calls and failures counted over the last `windowMs`. */
export interface WindowCounts {
  calls: number;
  failures: number;
}

/**
 * Calls and failures over a sliding window, in a fixed ring of buckets: recording and reading cost
 * O(1) (at most one pass over the ring when time jumps), and memory does not grow with traffic.
 * The window is approximate by up to one bucket (a tenth of `windowMs`), which is what lets it
 * forget old calls without keeping a timestamp per call.
 */
export class SlidingWindow {
  private readonly calls: Uint32Array;
  private readonly failures: Uint32Array;
  private readonly bucketMs: number;
  /** Index (time / bucketMs) of the newest bucket in use. */
  private head = -1;
  private totalCalls = 0;
  private totalFailures = 0;

  constructor(
    windowMs: number,
    private readonly buckets = 10,
  ) {
    this.bucketMs = Math.max(1, windowMs / buckets);
    this.calls = new Uint32Array(buckets);
    this.failures = new Uint32Array(buckets);
  }

  /** Counts one call at `now` (epoch ms). */
  record(now: number, failed: boolean): void {
    const slot = this.advance(now);
    this.calls[slot]++;
    this.totalCalls++;
    if (failed) {
      this.failures[slot]++;
      this.totalFailures++;
    }
  }

  /** The counts over the window ending at `now`. */
  counts(now: number): WindowCounts {
    this.advance(now);
    return { calls: this.totalCalls, failures: this.totalFailures };
  }

  /** Forgets every call. */
  reset(): void {
    this.calls.fill(0);
    this.failures.fill(0);
    this.totalCalls = 0;
    this.totalFailures = 0;
    this.head = -1;
  }

  /** Clears the buckets that fell out of the window; returns the slot of the bucket for `now`. */
  private advance(now: number): number {
    const index = Math.floor(now / this.bucketMs);
    const n = this.buckets;
    if (index > this.head) {
      const stale = this.head < 0 ? n : Math.min(n, index - this.head);
      for (let i = 1; i <= stale; i++) this.clear((((this.head + i) % n) + n) % n);
      this.head = index;
    }
    // A clock that steps back counts into the newest bucket rather than rewriting history.
    return ((this.head % n) + n) % n;
  }

  private clear(slot: number): void {
    this.totalCalls -= this.calls[slot];
    this.totalFailures -= this.failures[slot];
    this.calls[slot] = 0;
    this.failures[slot] = 0;
  }
}
