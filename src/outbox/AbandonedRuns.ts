/**
 * Entries whose handler run timed out in this process and was left behind. They stay pending, but
 * this consumer neither replays nor claims them for a while (`2 × claimIdleMs`): replaying would
 * keep them fresh and here, where they just hung, and the wait gives every other consumer a full
 * `claimIdleMs` of claim passes to take them first. Alone in its group, this consumer runs them
 * again after that wait. Entries are forgotten after their window, so the set stays as small as the
 * timeouts of the last window. Internal.
 */
export class AbandonedRuns {
  private readonly until = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** `streamId`'s run timed out just now. */
  add(streamId: string, now = Date.now()): void {
    this.until.set(streamId, now + this.windowMs);
  }

  /** Whether `streamId` was left behind less than one window ago. */
  has(streamId: string, now = Date.now()): boolean {
    const until = this.until.get(streamId);
    if (until === undefined) return false;
    if (until > now) return true;
    this.until.delete(streamId);
    return false;
  }

  /** The entries still within their window (call {@link prune} first to drop the others). */
  ids(): string[] {
    return [...this.until.keys()];
  }

  /** Forgets every entry whose window is over. */
  prune(now = Date.now()): void {
    for (const [id, until] of this.until) if (until <= now) this.until.delete(id);
  }
}
