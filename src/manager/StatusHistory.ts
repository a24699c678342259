import type { CheckStatus } from '../status/CheckStatus';
import { RingBuffer } from './RingBuffer';

/** One status change, as `manager.history(id?)` lists it. */
export interface StatusChange {
  /**
   * The dependency whose status moved. In the system's history: the dependency whose result (or
   * removal) moved the system status.
   */
  readonly id: string;
  /** The status before; `null` for a dependency's first result. */
  readonly from: CheckStatus | null;
  /** The status after. */
  readonly to: CheckStatus;
  /** Epoch ms of the change (the manager's clock when the result that carried it was stored). */
  readonly at: number;
  /**
   * The message of the result that carried the change (already redacted, like every result
   * message); `'unregistered'` for a system change caused by a removal.
   */
  readonly message: string;
}

const NONE: readonly StatusChange[] = Object.freeze([]);

/**
 * The last `size` status changes of each dependency and of the system, in memory: one
 * {@link RingBuffer} per dependency (created at its first change) and one for the system.
 * Recording is O(1) and happens only on a status change, never on a result that repeats its status.
 */
export class StatusHistory {
  private readonly perDependency = new Map<string, RingBuffer<StatusChange>>();
  private readonly systemChanges: RingBuffer<StatusChange>;

  /** @param size changes kept per dependency and for the system; 0 keeps none. */
  constructor(private readonly size: number) {
    this.systemChanges = new RingBuffer(size);
  }

  /** Records a dependency's change. */
  record(change: StatusChange): void {
    if (this.size === 0) return;
    let ring = this.perDependency.get(change.id);
    if (ring === undefined) {
      ring = new RingBuffer(this.size);
      this.perDependency.set(change.id, ring);
    }
    ring.push(Object.freeze(change));
  }

  /** Records a change of the system status. */
  recordSystem(change: StatusChange): void {
    if (this.size !== 0) this.systemChanges.push(Object.freeze(change));
  }

  /** A dependency's changes, newest first (empty before its first result). */
  of(id: string): readonly StatusChange[] {
    const ring = this.perDependency.get(id);
    return ring === undefined ? NONE : Object.freeze(ring.toArray());
  }

  /** The system's changes, newest first. */
  system(): readonly StatusChange[] {
    return this.systemChanges.size === 0 ? NONE : Object.freeze(this.systemChanges.toArray());
  }

  /** Drops a removed dependency's changes (the system's history keeps the ones it caused). */
  forget(id: string): void {
    this.perDependency.delete(id);
  }
}
