/**
 * Where the consumer waits between claims: until a notification, the earliest retry it scheduled,
 * `pollMs`, or the stop signal, whichever comes first. A notification that arrives while the
 * consumer is busy is remembered, so the next wait returns at once. Internal.
 */
export class Wake {
  private pending = false;
  private resolve: (() => void) | undefined;
  private earliest = Infinity;

  /** Something may be due now. */
  notify(): void {
    if (this.resolve) this.resolve();
    else this.pending = true;
  }

  /** A retry of ours is due in `ms`: wake then at the latest. */
  dueIn(ms: number): void {
    this.earliest = Math.min(this.earliest, Date.now() + ms);
  }

  /** Waits at most `ms` (less when a retry is due sooner); resolves early on notify or abort. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    const now = Date.now();
    const until = Math.max(0, Math.min(ms, this.earliest - now));
    if (this.earliest <= now + ms) this.earliest = Infinity;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.resolve = undefined;
        this.pending = false;
        resolve();
      };
      const timer = setTimeout(done, until);
      timer.unref();
      signal.addEventListener('abort', done, { once: true });
      this.resolve = done;
    });
  }
}
