import type { Flag } from './Flag';
import type { FlagNotice, FlagStore, FlagUnsubscribe, FlagWrite, FlagWriteResult } from './FlagStore';

/**
 * An in-process {@link FlagStore}: the default when `FeatureFlags` gets no `store`. Every
 * `FeatureFlags` sharing one instance sees the others' changes at once; nothing survives a restart
 * and nothing is shared between processes (use {@link RedisFlagStore} for that).
 *
 * @example
 * const flags = new FeatureFlags({ store: new MemoryFlagStore(), defaults: { checkout: true } });
 */
export class MemoryFlagStore implements FlagStore {
  private readonly flags = new Map<string, Flag>();
  private readonly listeners = new Set<(notice: FlagNotice) => void>();

  /** @param initial flags to start with (e.g. in tests). */
  constructor(initial: readonly Flag[] = []) {
    for (const f of initial) this.flags.set(f.key, Object.freeze({ ...f }));
  }

  /** Every stored flag. */
  load(): Promise<Flag[]> {
    return Promise.resolve([...this.flags.values()]);
  }

  /** Stores the flag and notifies every subscriber synchronously. */
  set(write: FlagWrite): Promise<FlagWriteResult> {
    const previous = this.flags.get(write.key);
    const flag: Flag = Object.freeze({
      key: write.key,
      enabled: write.enabled,
      description: write.description ?? previous?.description ?? '',
      updatedAt: write.at,
      updatedBy: write.actor,
    });
    this.flags.set(write.key, flag);
    for (const listener of [...this.listeners]) {
      try {
        listener({ type: 'changed', flag });
      } catch {
        // A subscriber's failure is its own (FeatureFlags logs its own listeners' errors).
      }
    }
    return Promise.resolve({ flag, previous });
  }

  /** Listens until the returned function is called. */
  subscribe(listener: (notice: FlagNotice) => void): Promise<FlagUnsubscribe> {
    this.listeners.add(listener);
    return Promise.resolve(() => {
      this.listeners.delete(listener);
      return Promise.resolve();
    });
  }

  /** Drops every subscription; the flags stay. */
  close(): Promise<void> {
    this.listeners.clear();
    return Promise.resolve();
  }
}
