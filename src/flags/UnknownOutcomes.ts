import type { Logger } from 'pino';

/** A `set` whose write was sent but not answered: what it meant to store. */
interface Unknown {
  intended: boolean;
  actor: string;
  /** Reloads started before this one cannot have seen the write (they were sent before it). */
  afterReload: number;
}

/**
 * Writes of `FeatureFlags.set` whose outcome is unknown (sent, not answered in time), kept until the
 * store shows what became of them: a change notice for the key, or a reload sent after the write
 * (on one connection Redis answers in order, so such a reload sees the write if it landed). Each is
 * then logged once, `flag outcome reconciled`, with what was intended and what is stored.
 */
export class UnknownOutcomes {
  private readonly byKey = new Map<string, Unknown>();
  private reloads = 0;

  constructor(private readonly logger: Logger) {}

  /** How many writes still have an unknown outcome. */
  get size(): number {
    return this.byKey.size;
  }

  /** Records a write sent but not answered. */
  add(key: string, intended: boolean, actor: string): void {
    this.byKey.set(key, { intended, actor, afterReload: this.reloads });
  }

  /** Call when a reload starts; returns its number, to hand to {@link reloaded}. */
  reloadStarted(): number {
    return ++this.reloads;
  }

  /** A reload numbered `reload` succeeded; `stored(key)` reads the snapshot it produced. */
  reloaded(reload: number, stored: (key: string) => boolean | null): void {
    for (const [key, u] of this.byKey) {
      if (reload > u.afterReload) this.settle(key, u, stored(key));
    }
  }

  /** A change notice for `key` arrived: the store now holds `enabled`. */
  noticed(key: string, enabled: boolean): void {
    const u = this.byKey.get(key);
    if (u) this.settle(key, u, enabled);
  }

  private settle(key: string, u: Unknown, actual: boolean | null): void {
    this.byKey.delete(key);
    this.logger.info(
      { key, actor: u.actor, intended: u.intended, actual, applied: actual === u.intended },
      'flag outcome reconciled',
    );
  }
}
