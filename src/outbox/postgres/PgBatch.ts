import { toSafeError, type SafeError } from '../../redaction/redact';
import { backoffDelay } from '../../retry/backoffDelay';
import type { OutboxEvent } from '../OutboxEvent';
import { RunTimer, runHandler } from '../runHandler';
import { query, type OutboxRow, type PgOutboxContext } from './PgContext';

/** What a batch did. */
export interface PgBatchCounts {
  claimed: number;
  done: number;
  retried: number;
  manualReview: number;
}

/** Recorded when the runs were used up by crashes rather than by thrown errors. */
const INTERRUPTED: SafeError = Object.freeze({
  name: 'OutboxRunInterrupted',
  message: 'the handler run did not finish (its consumer stopped or lost PostgreSQL during it)',
});

/**
 * Claims up to `batchSize` due rows (`FOR UPDATE SKIP LOCKED`, attempts counted, leased to this
 * consumer) and runs them one at a time. While the batch runs, every row it still holds has its
 * lease renewed each third of `leaseMs`, so no other consumer takes an event that is waiting or
 * running here. Successes are deleted (or marked `DONE`) together at the end of the batch; a
 * failure is recorded at once, as a retry after a backoff or, at the `maxAttempts`-th run, as
 * `MANUAL_REVIEW_REQUIRED`. Rows not started when `signal` aborts are handed back. `onClaimed`
 * hears how many rows the claim returned, before any runs. Internal.
 */
export async function runBatch<P>(
  ctx: PgOutboxContext<P>,
  signal: AbortSignal,
  onRetry: (delayMs: number) => void,
  onClaimed: (claimed: number) => void = () => undefined,
): Promise<PgBatchCounts> {
  const { opts, sql, metrics, logger } = ctx;
  const claimed = await query<OutboxRow>(
    ctx,
    sql.claim,
    [opts.batchSize, opts.consumer, opts.leaseMs],
    'outbox claim',
  );
  const rows = claimed.rows;
  onClaimed(rows.length);
  const counts: PgBatchCounts = { claimed: rows.length, done: 0, retried: 0, manualReview: 0 };
  if (rows.length === 0) return counts;

  const held = new Set(rows.map((r) => r.id));
  const renew = setInterval(
    () => {
      void query(ctx, sql.renew, [[...held], opts.consumer, opts.leaseMs], 'outbox lease renewal').catch(
        (err: unknown) => logger.warn({ err: toSafeError(err) }, 'outbox lease renewal failed'),
      );
    },
    Math.max(1, Math.floor(opts.leaseMs / 3)),
  );
  renew.unref();
  const timer = new RunTimer(opts.handlerTimeoutMs);
  const done: string[] = [];
  let next = 0;
  try {
    for (; next < rows.length && !signal.aborted; next++) {
      const row = rows[next];
      if (row.attempts > opts.maxAttempts) {
        counts.manualReview += await park(ctx, row, row.last_error ?? INTERRUPTED);
        held.delete(row.id);
        continue;
      }
      const event = toEvent<P>(row);
      let error: unknown;
      try {
        error = await runHandler(opts, event, timer, (outcome) =>
          logger.info(
            { eventId: row.id, type: row.type, attempt: row.attempts, outcome },
            'outbox handler settled after its timeout; ignored (that run counted as failed)',
          ),
        );
      } catch (err) {
        error = err ?? new Error('handler rejected without a reason');
      }
      if (error === undefined) {
        // Stays held (its lease renewed) until the batch deletes it.
        done.push(row.id);
        continue;
      }
      held.delete(row.id);
      const safe = toSafeError(error);
      if (row.attempts >= opts.maxAttempts) {
        counts.manualReview += await park(ctx, row, safe);
      } else {
        const retryInMs = Math.round(backoffDelay(row.attempts, opts.backoff));
        const failed = await query(
          ctx,
          sql.retry,
          [row.id, opts.consumer, retryInMs, JSON.stringify(safe)],
          'outbox retry',
        ).catch((err: unknown) => {
          logger.warn({ eventId: row.id, err: toSafeError(err) }, 'could not record outbox retry');
          return undefined;
        });
        if (failed) {
          counts.retried++;
          metrics.count('retried');
          onRetry(retryInMs);
        }
        logger.warn(
          { eventId: row.id, type: row.type, attempt: row.attempts, err: safe, retryInMs },
          'outbox handler failed; will retry',
        );
      }
    }
  } finally {
    clearInterval(renew);
    timer.stop();
  }
  const unstarted = rows.slice(next).map((r) => r.id);
  if (unstarted.length > 0) {
    await query(ctx, sql.release, [unstarted, opts.consumer], 'outbox release').catch(() => undefined);
  }
  if (done.length > 0) {
    const settle = opts.retainMs > 0 ? sql.markDone : sql.deleteDone;
    await query(ctx, settle, [done, opts.consumer], 'outbox done');
    counts.done = done.length;
    metrics.count('done', done.length);
  }
  return counts;
}

async function park(ctx: PgOutboxContext<unknown>, row: OutboxRow, lastError: SafeError): Promise<number> {
  const { opts, sql, metrics, logger } = ctx;
  try {
    const values = [row.id, opts.consumer, JSON.stringify(lastError), opts.maxAttempts];
    await query(ctx, sql.park, values, 'outbox park');
  } catch (err) {
    logger.warn({ eventId: row.id, err: toSafeError(err) }, 'could not park outbox event; it stays pending');
    return 0;
  }
  metrics.count('manual_review');
  metrics.adjustReview(1);
  logger.warn(
    { eventId: row.id, type: row.type, attempts: Math.min(row.attempts, opts.maxAttempts), err: lastError },
    'outbox event parked for manual review',
  );
  return 1;
}

/** A claimed or parked row as the public {@link OutboxEvent}. */
export function toEvent<P>(row: OutboxRow, review = false): OutboxEvent<P> {
  const event: OutboxEvent<P> = {
    id: row.id,
    type: row.type,
    payload: row.payload as P,
    createdAt: Math.round(row.created_ms),
    attempts: row.attempts,
    streamId: row.id,
    status: review ? 'MANUAL_REVIEW_REQUIRED' : 'PENDING',
  };
  if (review) {
    if (row.last_error) event.lastError = row.last_error;
    event.reviewAt = Math.round(row.updated_ms);
  }
  return event;
}
