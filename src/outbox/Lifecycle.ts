/**
 * An outbox's start/stop bookkeeping: the signal `stop()` aborts (a fresh one once a stop is
 * done), the stop in progress, and the work (`recoverPending()` calls) a stop must wait for.
 * Internal.
 */
export class Lifecycle {
  private controller = new AbortController();
  /** The stop in progress, if any. */
  stopping: Promise<void> | undefined;
  /** Work in flight that a stop waits for. */
  readonly work = new Set<Promise<unknown>>();

  /** The signal that the next stop aborts; a new one after a finished stop. */
  signal(): AbortSignal {
    if (this.controller.signal.aborted && !this.stopping) this.controller = new AbortController();
    return this.controller.signal;
  }

  abort(): void {
    this.controller.abort();
  }

  /** Remembers `task` until it settles, and returns it. */
  track<T>(task: Promise<T>): Promise<T> {
    this.work.add(task);
    void task.finally(() => this.work.delete(task)).catch(() => undefined);
    return task;
  }

  /** Runs `stop` once however many callers ask, until it is done. */
  stop(stop: () => Promise<void>): Promise<void> {
    this.stopping ??= stop().finally(() => (this.stopping = undefined));
    return this.stopping;
  }
}
