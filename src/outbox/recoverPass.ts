import type { RedisClient } from '../redis/RedisLike';
import type { BatchRunner } from './BatchRunner';
import { command, parseEntries, parseReadReply, type OutboxContext } from './OutboxContext';
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
 * One recovery pass: first re-runs this consumer's own pending entries (XREADGROUP from id 0,
 * page by page), then claims every other consumer's entry idle longer than `claimIdleMs`
 * (XAUTOCLAIM) and runs it. Stops starting new runs once `signal` aborts. Internal.
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
  await replayOwn(ctx, runner, client, signal, total);
  await claimIdle(ctx, runner, client, signal, total);
  return total;
}

async function replayOwn<P>(
  ctx: OutboxContext<P>,
  runner: BatchRunner<P>,
  client: RedisClient,
  signal: AbortSignal,
  total: RecoveryCounts,
): Promise<void> {
  const { opts, keys } = ctx;
  let cursor = '0';
  while (!signal.aborted) {
    const reply = await command(ctx, client, 'outbox read pending', (c) =>
      c.call(
        'XREADGROUP',
        'GROUP',
        opts.group,
        opts.consumer,
        'COUNT',
        opts.batchSize,
        'STREAMS',
        keys.stream,
        cursor,
      ),
    );
    const entries = parseReadReply(reply);
    if (entries.length === 0) return;
    total.ownPending += entries.length;
    add(total, await runner.run(client, entries, false, signal));
    if (entries.length < opts.batchSize) return;
    cursor = entries[entries.length - 1].streamId;
  }
}

async function claimIdle<P>(
  ctx: OutboxContext<P>,
  runner: BatchRunner<P>,
  client: RedisClient,
  signal: AbortSignal,
  total: RecoveryCounts,
): Promise<void> {
  const { opts, keys } = ctx;
  let cursor = '0-0';
  while (!signal.aborted) {
    const reply = (await command(ctx, client, 'outbox claim', (c) =>
      c.call(
        'XAUTOCLAIM',
        keys.stream,
        opts.group,
        opts.consumer,
        opts.claimIdleMs,
        cursor,
        'COUNT',
        opts.batchSize,
      ),
    )) as [unknown, unknown, unknown?];
    const entries = parseEntries(reply[1]);
    total.claimed += entries.length;
    total.deleted += Array.isArray(reply[2]) ? reply[2].length : 0;
    if (entries.length > 0) add(total, await runner.run(client, entries, false, signal));
    cursor = String(reply[0]);
    if (cursor === '0-0') return;
  }
}
