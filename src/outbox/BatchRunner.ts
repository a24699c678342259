import type { RedisClient } from '../redis/RedisLike';
import { toSafeError, type SafeError } from '../redaction/redact';
import { backoffDelay } from '../retry/backoff';
import { delay } from '../timing/delay';
import { Heartbeat } from './Heartbeat';
import { command, type OutboxContext, type RawEntry } from './OutboxContext';
import { decodeFields, parsePayload, type ReviewRecord, type StoredEvent } from './OutboxEvent';
import { REVIEW } from './scripts';
import { StepSender, type BatchCounts } from './StepSender';

/** What Redis remembers of an entry's earlier runs. */
interface PriorRuns {
  attempts: number;
  lastError: SafeError | undefined;
}

const FRESH: PriorRuns = Object.freeze({ attempts: 0, lastError: undefined });

/** Recorded when the runs were used up by crashes rather than by thrown errors. */
const INTERRUPTED: SafeError = Object.freeze({
  name: 'OutboxRunInterrupted',
  message: 'the handler run did not finish (the process stopped or lost Redis during it)',
});

/** A new, empty {@link BatchCounts}. */
export function emptyCounts(): BatchCounts {
  return { done: 0, manualReview: 0, retried: 0 };
}

/**
 * Runs a batch of stream entries through the handler, one at a time in stream order: each run is
 * counted in Redis before it starts (so crashes use up attempts too), a success is acknowledged, a
 * failure is retried after a backoff, and the `maxAttempts`-th failure parks the event for manual
 * review atomically with its acknowledgement. Internal.
 */
export class BatchRunner<P> {
  constructor(private readonly ctx: OutboxContext<P>) {}

  /**
   * Runs `entries` on `client`. `fresh` entries were just delivered for the first time (no earlier
   * runs to look up). Stops starting new runs once `signal` aborts; what it did not finish stays
   * pending. Rejects only when the earlier-runs lookup fails.
   */
  async run(
    client: RedisClient,
    entries: RawEntry[],
    fresh: boolean,
    signal: AbortSignal,
  ): Promise<BatchCounts> {
    const counts = emptyCounts();
    const mine = entries.filter((e) => !this.ctx.local.has(e.streamId));
    if (mine.length === 0) return counts;
    const ids = mine.map((e) => e.streamId);
    for (const id of ids) this.ctx.local.add(id);
    const steps = new StepSender(this.ctx, client, counts);
    const heartbeat = new Heartbeat(this.ctx, client, ids);
    try {
      const prior = fresh ? undefined : await this.priorRuns(client, ids);
      for (const entry of mine) {
        if (signal.aborted) break;
        if (heartbeat.lost.has(entry.streamId)) continue;
        await this.runEntry(client, entry, prior?.get(entry.streamId) ?? FRESH, steps, counts, signal);
        heartbeat.finished(entry.streamId);
      }
      await steps.flush();
    } finally {
      heartbeat.stop();
      for (const id of ids) this.ctx.local.delete(id);
    }
    return counts;
  }

  private async runEntry(
    client: RedisClient,
    entry: RawEntry,
    prior: PriorRuns,
    steps: StepSender,
    counts: BatchCounts,
    signal: AbortSignal,
  ): Promise<void> {
    const sid = entry.streamId;
    if (entry.fields === null) return this.dropDeleted(client, sid);
    const stored = decodeFields(entry.fields);
    if (!stored) {
      const raw = { id: sid, type: 'unknown', payload: JSON.stringify(entry.fields), createdAt: 0 };
      const why = {
        name: 'OutboxMalformedEntry',
        message: 'the stream entry has no id, type or payload field',
      };
      return this.park(client, sid, raw, prior.attempts, why, steps, counts);
    }
    let { attempts, lastError } = prior;
    for (;;) {
      if (attempts >= this.ctx.opts.maxAttempts) {
        return this.park(client, sid, stored, attempts, lastError ?? INTERRUPTED, steps, counts);
      }
      if (signal.aborted) return;
      attempts++;
      steps.begin(sid);
      try {
        await this.invoke(stored, sid, attempts);
        steps.succeeded(sid);
        return;
      } catch (err) {
        lastError = toSafeError(err);
      }
      if (attempts >= this.ctx.opts.maxAttempts) continue;
      counts.retried++;
      if (!(await this.waitToRetry(client, sid, stored, attempts, lastError, steps, signal))) return;
    }
  }

  private invoke(stored: StoredEvent, streamId: string, attempts: number): Promise<void> {
    const event = {
      id: stored.id,
      type: stored.type,
      payload: parsePayload(stored.payload) as P,
      createdAt: stored.createdAt,
      attempts,
      streamId,
      status: 'PENDING' as const,
    };
    // `then` turns a synchronous throw (or a non-promise return) into the same path as a rejection.
    return Promise.resolve().then(() => this.ctx.opts.handler(event));
  }

  /** Records the failure, then waits the backoff; `false` when stopped meanwhile. */
  private async waitToRetry(
    client: RedisClient,
    sid: string,
    stored: StoredEvent,
    attempts: number,
    error: SafeError,
    steps: StepSender,
    signal: AbortSignal,
  ): Promise<boolean> {
    const { opts, keys, metrics, logger } = this.ctx;
    const delayMs = Math.round(backoffDelay(attempts, opts.backoff));
    metrics.count('retried');
    logger.warn(
      { eventId: stored.id, type: stored.type, attempt: attempts, retryInMs: delayMs, err: error },
      'outbox handler failed; will retry',
    );
    steps.release();
    await command(this.ctx, client, 'outbox record error', (c) =>
      c.hset(keys.state, `${sid}:e`, JSON.stringify(error)),
    ).catch(() => undefined);
    try {
      await delay(delayMs, signal);
      return true;
    } catch {
      return false;
    }
  }

  private async park(
    client: RedisClient,
    sid: string,
    stored: StoredEvent,
    attempts: number,
    lastError: SafeError,
    steps: StepSender,
    counts: BatchCounts,
  ): Promise<void> {
    const { opts, keys, metrics, logger } = this.ctx;
    const record: ReviewRecord = { ...stored, attempts, lastError, reviewAt: Date.now(), streamId: sid };
    steps.release();
    try {
      const moved = await command(this.ctx, client, 'outbox park', (c) =>
        REVIEW.run(
          c,
          [keys.stream, keys.state, keys.review],
          [opts.group, sid, stored.id, JSON.stringify(record)],
        ),
      );
      if (moved !== 1) return;
      counts.manualReview++;
      metrics.count('manual_review');
      metrics.adjustReview(1);
      logger.warn(
        { eventId: stored.id, type: stored.type, attempts, err: lastError },
        'outbox event parked for manual review',
      );
    } catch (err) {
      logger.warn(
        { eventId: stored.id, err: toSafeError(err) },
        'could not park outbox event; it stays pending',
      );
    }
  }

  /** An entry deleted from the stream by someone else while pending: nothing to run, so release it. */
  private async dropDeleted(client: RedisClient, sid: string): Promise<void> {
    const { opts, keys, logger } = this.ctx;
    logger.warn(
      { streamId: sid },
      'outbox entry was deleted from the stream while pending; it cannot be run',
    );
    await command(this.ctx, client, 'outbox ack', (c) => c.xack(keys.stream, opts.group, sid)).catch(
      () => undefined,
    );
  }

  private async priorRuns(client: RedisClient, ids: readonly string[]): Promise<Map<string, PriorRuns>> {
    const fields = ids.flatMap((id) => [id, `${id}:e`]);
    const values = await command(this.ctx, client, 'outbox read attempts', (c) =>
      c.hmget(this.ctx.keys.state, ...fields),
    );
    const out = new Map<string, PriorRuns>();
    ids.forEach((id, i) => {
      const attempts = Number(values[2 * i] ?? 0) || 0;
      const err = values[2 * i + 1];
      out.set(id, { attempts, lastError: err ? parseError(err) : undefined });
    });
    return out;
  }
}

function parseError(text: string): SafeError {
  try {
    return JSON.parse(text) as SafeError;
  } catch {
    return { name: 'Error', message: text.slice(0, 500) };
  }
}
