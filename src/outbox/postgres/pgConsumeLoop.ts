import { toSafeError } from '../../redaction/redact';
import { backoffDelay } from '../../retry/backoffDelay';
import { delay } from '../../timing/delay';
import { runBatch, type PgBatchCounts } from './PgBatch';
import type { PgOutboxContext } from './PgContext';
import type { Wake } from './Wake';

/** Spacing of claims while PostgreSQL cannot be reached. */
const RECONNECT = Object.freeze({ baseMs: 100, maxMs: 5000, jitter: 'equal' as const });

/**
 * Claims and runs batches until `signal` aborts: straight on while batches come back full, else
 * waiting for a notification, a retry of ours falling due, or `pollMs`. While PostgreSQL cannot be
 * reached it backs off (with jitter, up to 5 s) and says so once in the log, then once more when it
 * is back; it never throws. `onBatch` sees each batch's counts. Internal.
 */
export async function pgConsumeLoop<P>(
  ctx: PgOutboxContext<P>,
  wake: Wake,
  signal: AbortSignal,
  onBatch: (counts: PgBatchCounts) => void = () => undefined,
): Promise<void> {
  const { opts, logger } = ctx;
  let failures = 0;
  while (!signal.aborted) {
    let counts: PgBatchCounts;
    try {
      counts = await runBatch(ctx, signal, (ms) => wake.dueIn(ms));
    } catch (err) {
      failures++;
      if (failures === 1) logger.warn({ err: toSafeError(err) }, 'outbox consumer cannot reach PostgreSQL');
      await delay(backoffDelay(failures, RECONNECT), signal).catch(() => undefined);
      continue;
    }
    if (failures > 0) logger.info({ failures }, 'outbox consumer reached PostgreSQL again');
    failures = 0;
    onBatch(counts);
    if (counts.claimed < opts.batchSize) await wake.wait(opts.pollMs, signal);
  }
}
