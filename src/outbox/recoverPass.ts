import type { RedisClient } from '../redis/RedisClient';
import type { BatchRunner } from './BatchRunner';
import { command, parseEntries, type OutboxContext } from './OutboxContext';
import { TAKE_PENDING } from './scripts';
import type { BatchCounts } from './AckBuffer';

/** What one recovery pass found and did. */
export interface RecoveryCounts extends BatchCounts {
  /** This consumer's pending entries found (left over from a crash or a stop). */
  ownPending: number;
  /** Entries claimed from other consumers idle longer than `claimIdleMs`. */
  claimed: number;
  /** Pending entries that had been deleted from the stream (released, cannot be run). */
  deleted: number;
}

function add(total: RecoveryCounts, part: BatchCounts): void {
  total.done += part.done;
  total.manualReview += part.manualReview;
  total.retried += part.retried;
}

/**
 * One recovery pass: first re-runs this consumer's own pending entries, then claims every other
 * consumer's entry idle longer than `claimIdleMs` (a dead consumer's) and runs it, page by page.
 * Both skip the entries whose run timed out here lately (see `AbandonedRuns`). Stops
 * starting new runs once `signal` aborts. Internal.
 */
export async function recoverPass<P>(
  ctx: OutboxContext<P>,
  runner: BatchRunner<P>,
  client: RedisClient,
  signal: AbortSignal,
): Promise<RecoveryCounts> {
  const total: RecoveryCounts = {
    done: 0,
    manualReview: 0,
    retried: 0,
    ownPending: 0,
    claimed: 0,
    deleted: 0,
  };
  runner.abandoned.prune();
  await takePending(ctx, runner, client, signal, total, true);
  await takePending(ctx, runner, client, signal, total, false);
  return total;
}

async function takePending<P>(
  ctx: OutboxContext<P>,
  runner: BatchRunner<P>,
  client: RedisClient,
  signal: AbortSignal,
  total: RecoveryCounts,
  own: boolean,
): Promise<void> {
  const { opts, keys } = ctx;
  const minIdle = own ? 0 : opts.claimIdleMs;
  let start = '-';
  while (!signal.aborted) {
    const reply = (await command(ctx, client, own ? 'outbox read pending' : 'outbox claim', (c) =>
      TAKE_PENDING.run(
        c,
        [keys.stream],
        [opts.group, opts.consumer, start, opts.batchSize, minIdle, own ? 1 : 0, ...runner.abandoned.ids()],
      ),
    )) as [number, string, unknown[]];
    const entries = parseEntries(reply[2]);
    const deleted = entries.filter((e) => e.fields === null).length;
    total.deleted += deleted;
    if (own) total.ownPending += entries.length - deleted;
    else total.claimed += entries.length - deleted;
    if (entries.length > 0) add(total, await runner.run(client, entries, false, signal));
    if (Number(reply[0]) < opts.batchSize) return;
    start = `(${String(reply[1])}`;
  }
}
