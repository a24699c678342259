import type { Flag } from './Flag';

/** What `FlagStore.set()` writes. */
export interface FlagWrite {
  /** A valid flag key (already checked by `FeatureFlags`). */
  key: string;
  /** The new state. */
  enabled: boolean;
  /** The new description; `undefined` keeps the stored one (or `''` for a new flag). */
  description?: string;
  /** Who makes the change. */
  actor: string;
  /** When (epoch ms). */
  at: number;
}

/** What `FlagStore.set()` resolves to: the stored flag and the one it replaced, read atomically. */
export interface FlagWriteResult {
  /** The flag as now stored. */
  flag: Flag;
  /** The flag it replaced; `undefined` when the key was new. */
  previous: Flag | undefined;
}

/**
 * A notice from the store: `changed` carries a flag some instance just wrote; `resync` says
 * notices may have been missed (e.g. the pub/sub connection came back), so reload everything.
 */
export type FlagNotice = { type: 'changed'; flag: Flag } | { type: 'resync' };

/** Stops a subscription; resolves once its resources (e.g. a subscriber connection) are released. */
export type FlagUnsubscribe = () => Promise<void>;

/**
 * Where flags live. `FeatureFlags` keeps a local snapshot and talks to the store only in the
 * background (`load`, `subscribe`) or on an explicit `set`, so a slow or absent store never slows
 * `isEnabled`.
 *
 * Implement it to keep flags elsewhere: `load` must be bounded in time and reject when the store is
 * unreachable; `set` must change nothing when it rejects, except with `OutcomeUnknownError` (the
 * write was sent but not answered in time; it may still land).
 */
export interface FlagStore {
  /** Every stored flag. Rejects when the store cannot be read. */
  load(): Promise<Flag[]>;
  /** Writes one flag and tells every subscriber (of every instance). Rejects, changing nothing, when unavailable. */
  set(write: FlagWrite): Promise<FlagWriteResult>;
  /**
   * Delivers notices to `listener` until the returned function is called. Resolves once listening
   * (or after a bounded wait: the store keeps trying in the background); never rejects.
   */
  subscribe(listener: (notice: FlagNotice) => void): Promise<FlagUnsubscribe>;
  /** Ends every subscription and releases what the store opened (never the caller's client). */
  close(): Promise<void>;
}
