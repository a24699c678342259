/** One run of a chain's sources for a key. */
export interface SourceRun<R> {
  /** The run's answer. */
  readonly promise: Promise<R>;
  /** Set by `invalidate`: the run must not write its value back. */
  cancelled: boolean;
  /** Settles once the run's write-back has (set by the run, before it answers). */
  stored: Promise<unknown> | undefined;
}

/**
 * At most one run of the sources per key in this process, whoever needs it: the callers that missed
 * the cache and a background refresh share it. A run is forgotten only once its answer and its
 * write-back have both settled, so a caller that reads a remote tier before the new entry has
 * landed joins the finished run (and gets its value) instead of calling the sources again.
 */
export class SourceRuns<R> {
  private readonly runs = new Map<string, SourceRun<R>>();

  /** `true` while a run for `key` is in flight (or its write-back is). */
  has(key: string): boolean {
    return this.runs.has(key);
  }

  /** The run in flight for `key`, else a new one: `start` gets the run record and does the work. */
  join(key: string, start: (run: SourceRun<R>) => Promise<R>): SourceRun<R> {
    const existing = this.runs.get(key);
    if (existing !== undefined) return existing;
    const run: { promise: Promise<R>; cancelled: boolean; stored: Promise<unknown> | undefined } = {
      promise: undefined as unknown as Promise<R>,
      cancelled: false,
      stored: undefined,
    };
    run.promise = start(run);
    this.runs.set(key, run);
    const forget = (): void => {
      if (this.runs.get(key) === run) this.runs.delete(key);
    };
    run.promise.then(() => (run.stored ?? Promise.resolve()).then(forget, forget), forget);
    return run;
  }

  /** Stops the run for `key` from writing back, and forgets it so the next caller starts afresh. */
  cancel(key: string): void {
    const run = this.runs.get(key);
    if (run === undefined) return;
    run.cancelled = true;
    this.runs.delete(key);
  }
}
