import { flagDiffers, type Flag } from './Flag';

/** Where a change was seen: this instance's own `set`, a store notice, or a full reload. */
export type FlagChangeOrigin = 'local' | 'notice' | 'refresh';

/** One flag that changed, as emitted by `FeatureFlags` (`'changed'` / `onChange`). */
export interface FlagChange {
  /** The flag's key. */
  key: string;
  /** Stored state before; `null` when the store had no such flag. */
  from: boolean | null;
  /** Stored state now; `null` when it vanished from the store (e.g. Redis lost its data). */
  to: boolean | null;
  /** What `isEnabled(key)` answers now (falls back to `defaults` when `to` is `null`). */
  enabled: boolean;
  /** Who made the change (`updatedBy`), or `'unknown'` for a vanished flag. */
  actor: string;
  /** The flag now stored, if any. */
  flag: Flag | undefined;
  /** The flag stored before, if any. */
  previous: Flag | undefined;
  /** Where this instance learnt of it. */
  origin: FlagChangeOrigin;
}

/**
 * The local copy `FeatureFlags` answers from: stored flags plus the precomputed effective value of
 * every known key (stored, else default), so `isEnabled` is one `Map.get`.
 */
export class FlagSnapshot {
  private stored = new Map<string, Flag>();
  private effective: Map<string, boolean>;

  constructor(private readonly defaults: ReadonlyMap<string, boolean>) {
    this.effective = new Map(defaults);
  }

  /** Effective value: stored, else default, else `false`. Never throws, whatever `key` is. */
  isEnabled(key: string): boolean {
    return this.effective.get(key) === true;
  }

  /** The stored flag, if any. */
  get(key: string): Flag | undefined {
    return this.stored.get(key);
  }

  /** Every stored flag, sorted by key. */
  list(): Flag[] {
    return [...this.stored.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Every key with an effective value (stored or default). */
  keys(): IterableIterator<string> {
    return this.effective.keys();
  }

  /** Stores one flag; returns the change, or `undefined` when nothing users see changed. */
  upsert(flag: Flag, origin: FlagChangeOrigin): FlagChange | undefined {
    const previous = this.stored.get(flag.key);
    this.stored.set(flag.key, flag);
    this.effective.set(flag.key, flag.enabled);
    return flagDiffers(previous, flag) ? this.change(flag.key, previous, flag, origin) : undefined;
  }

  /** Replaces every stored flag with `flags`; returns what changed (added, altered, vanished). */
  replaceAll(flags: Iterable<Flag>, origin: FlagChangeOrigin): FlagChange[] {
    const next = new Map<string, Flag>();
    for (const f of flags) next.set(f.key, f);
    const changes: FlagChange[] = [];
    for (const [key, previous] of this.stored) {
      if (!next.has(key)) changes.push(this.change(key, previous, undefined, origin));
    }
    for (const [key, flag] of next) {
      const previous = this.stored.get(key);
      if (flagDiffers(previous, flag)) changes.push(this.change(key, previous, flag, origin));
    }
    const effective = new Map(this.defaults);
    for (const [key, flag] of next) effective.set(key, flag.enabled);
    this.stored = next;
    this.effective = effective;
    return changes;
  }

  private change(
    key: string,
    previous: Flag | undefined,
    flag: Flag | undefined,
    origin: FlagChangeOrigin,
  ): FlagChange {
    return {
      key,
      from: previous ? previous.enabled : null,
      to: flag ? flag.enabled : null,
      enabled: flag ? flag.enabled : this.defaults.get(key) === true,
      actor: flag ? flag.updatedBy : 'unknown',
      flag,
      previous,
      origin,
    };
  }
}
