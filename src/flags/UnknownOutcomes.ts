import type { Logger } from 'pino';
import type { Flag } from './Flag';

/** A `set` whose write was sent but not answered: what it meant to store. */
interface Unknown {
  intended: boolean;
  actor: string;
  /** When the write was made (the `updatedAt` it carries). */
  at: number;
  /** Reloads started before this one cannot have seen the write (they were sent before it). */
  afterReload: number;
}

/**
 * Writes of `FeatureFlags.set` whose outcome is unknown (sent, not answered in time), kept until the
 * store shows what became of them: a change notice for the key carrying a write at least as new, or
 * a reload sent after the write (on one connection Redis answers in order, so such a reload sees the
 * write if it landed). Each is then logged once, `flag outcome reconciled`, with what was intended
 * and what is stored. Notices come on another connection: one for an older write can arrive after
 * ours was sent (a server frozen between answering that write and publishing it), so it tells
 * nothing about ours and is not taken as the outcome.
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
  add(key: string, intended: boolean, actor: string, at: number): void {
    this.byKey.set(key, { intended, actor, at, afterReload: this.reloads });
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

  /** A change notice arrived: the store now holds `flag`. Older than the unknown write → ignored. */
  noticed(flag: Pick<Flag, 'key' | 'enabled' | 'updatedAt'>): void {
    const u = this.byKey.get(flag.key);
    if (u && flag.updatedAt >= u.at) this.settle(flag.key, u, flag.enabled);
  }

  private settle(key: string, u: Unknown, actual: boolean | null): void {
    this.byKey.delete(key);
    this.logger.info(
      { key, actor: u.actor, intended: u.intended, actual, applied: actual === u.intended },
      'flag outcome reconciled',
    );
  }
}
