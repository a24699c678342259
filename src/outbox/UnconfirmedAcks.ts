/** Most entries remembered at once; the oldest is forgotten first (it then runs again, as before). */
const MAX_REMEMBERED = 10_000;

/**
 * Stream ids this process handled successfully whose acknowledgement Redis has not confirmed (sent
 * and failed, or not answered yet). When such an entry comes back (claimed once idle, or replayed
 * by `recoverPending`), it is acknowledged again instead of run again: its handler already
 * succeeded, and a run that cannot be acknowledged must not count as an attempt, or an outage of
 * Redis alone would park handled events for manual review. Another process, or this one after a
 * restart, does not know: there the entry runs again (at least once). Internal.
 */
export class UnconfirmedAcks {
  private readonly ids = new Set<string>();

  /** The handler succeeded on these entries; their acknowledgement is being sent. */
  sending(ids: readonly string[]): void {
    for (const id of ids) {
      this.ids.delete(id);
      if (this.ids.size >= MAX_REMEMBERED) this.ids.delete(this.ids.values().next().value!);
      this.ids.add(id);
    }
  }

  /** Redis confirmed the acknowledgement of these entries. */
  confirmed(ids: readonly string[]): void {
    for (const id of ids) this.ids.delete(id);
  }

  /** Whether `id` was handled here and its acknowledgement is not confirmed. */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** How many are remembered. */
  get size(): number {
    return this.ids.size;
  }
}
