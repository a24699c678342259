import { toSafeError } from '../../redaction/redact';
import { backoffDelay } from '../../retry/backoffDelay';
import { delay } from '../../timing/delay';
import { runBatch, type PgBatchCounts } from './PgBatch';
import type { PgOutboxContext } from './PgContext';
import type { PgListener } from './PgListener';
import type { Wake } from './Wake';

/** Spacing of claims while PostgreSQL cannot be reached. */
const RECONNECT = Object.freeze({ baseMs: 100, maxMs: 5000, jitter: 'equal' as const });

/**
 * Spacing of the claims after an empty one: 2, 4, 8, 16 ms before registering as idle (a busy
 * outbox usually has new events by then, and adds need not notify), then up to 50 ms while some
 * add that missed the registration is still uncommitted.
 */
const LINGER = Object.freeze({ baseMs: 2, maxMs: 50, jitter: 'none' as const });
const LINGER_CLAIMS = 4;

/**
 * Claims and runs batches until `signal` aborts. While claims return events it claims again at
 * once; adds do not notify then. After a few empty claims it registers as idle through `listener`
 * and, once no add that could have missed that is uncommitted, claims one last time and waits for a
 * notification, a retry of ours falling due, or `pollMs`. While PostgreSQL cannot be reached it
 * backs off (with jitter, up to 5 s) and says so once in the log, then once more when it is back;
 * it never throws. Internal.
 */
export async function pgConsumeLoop<P>(
  ctx: PgOutboxContext<P>,
  wake: Wake,
  listener: PgListener,
  signal: AbortSignal,
): Promise<void> {
  const { opts, logger } = ctx;
  let failures = 0;
  let empty = 0;
  // A claim has run since the idle registration was clear: any later add notifies.
  let settled = false;
  while (!signal.aborted) {
    let counts: PgBatchCounts;
    try {
      // Adds stop notifying as soon as there is work, not once it is done.
      counts = await runBatch(
        ctx,
        signal,
        (ms) => wake.dueIn(ms),
        (claimed) => claimed > 0 && listener.busy(),
      );
    } catch (err) {
      failures++;
      if (failures === 1) logger.warn({ err: toSafeError(err) }, 'outbox consumer cannot reach PostgreSQL');
      await delay(backoffDelay(failures, RECONNECT), signal).catch(() => undefined);
      continue;
    }
    if (failures > 0) logger.info({ failures }, 'outbox consumer reached PostgreSQL again');
    failures = 0;
    if (counts.claimed > 0) {
      empty = 0;
      settled = false;
      continue;
    }
    empty++;
    if (settled && listener.idle) {
      await wake.wait(opts.pollMs, signal);
      continue;
    }
    settled = false;
    if (empty <= LINGER_CLAIMS) {
      await wake.wait(backoffDelay(empty, LINGER), signal);
      continue;
    }
    const state = await listener.goIdle();
    if (state === 'clear') settled = true;
    else await wake.wait(state === 'deaf' ? opts.pollMs : backoffDelay(empty, LINGER), signal);
  }
}
