import type { RedisClient } from '../redis/RedisClient';
import { command, type OutboxContext } from './OutboxContext';
import { HEARTBEAT } from './scripts';

/**
 * While a batch runs, re-claims (JUSTID) every entry it still owns every `claimIdleMs / 3`, so a
 * slow handler or a long backoff never makes its entries look idle to another consumer's
 * XAUTOCLAIM. Entries another consumer took anyway are reported in {@link lost}. Internal.
 */
export class Heartbeat {
  /** Entries no longer owned by this consumer: the batch skips them. */
  readonly lost = new Set<string>();
  private readonly owned: Set<string>;
  private readonly timer: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly ctx: OutboxContext<unknown>,
    private readonly client: RedisClient,
    streamIds: readonly string[],
  ) {
    this.owned = new Set(streamIds);
    this.timer = setInterval(() => void this.beat(), Math.max(5, Math.floor(ctx.opts.claimIdleMs / 3)));
    this.timer.unref();
  }

  /** `streamId` is finished (acked, parked or abandoned): stop re-claiming it. */
  finished(streamId: string): void {
    this.owned.delete(streamId);
  }

  /** Clears the timer. */
  stop(): void {
    clearInterval(this.timer);
    this.owned.clear();
  }

  private async beat(): Promise<void> {
    if (this.busy || this.owned.size === 0) return;
    this.busy = true;
    const ids = [...this.owned];
    const { keys, opts } = this.ctx;
    try {
      const kept = await command(this.ctx, this.client, 'outbox heartbeat', (c) =>
        HEARTBEAT.run(c, [keys.stream], [opts.group, opts.consumer, ...ids]),
      );
      const still = new Set((kept as unknown[]).map(String));
      for (const id of ids) {
        if (still.has(id) || !this.owned.has(id)) continue;
        this.owned.delete(id);
        this.lost.add(id);
      }
    } catch {
      // Redis unreachable: nothing to refresh; the batch's own commands report the outage.
    } finally {
      this.busy = false;
    }
  }
}
