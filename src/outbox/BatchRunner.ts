import type { TimeoutError } from '../errors/TimeoutError';
import type { RedisClient } from '../redis/RedisClient';
import { toSafeError, type SafeError } from '../redaction/redact';
import { backoffDelay } from '../retry/backoffDelay';
import { delay } from '../timing/delay';
import { Heartbeat } from './Heartbeat';
import { command, type OutboxContext, type RawEntry } from './OutboxContext';
import { decodeFields, parsePayload, type ReviewRecord, type StoredEvent } from './OutboxEvent';
import { AckBuffer, type BatchCounts } from './AckBuffer';
import { AbandonedRuns } from './AbandonedRuns';
import { RunTimer, runHandler } from './runHandler';
import { FAIL, REVIEW } from './scripts';

/** What Redis remembers of an entry's earlier runs. */
interface PriorRuns {
  attempts: number;
  lastError: SafeError | undefined;
}

/** A failed handler run, as it is recorded. */
interface FailedRun {
  sid: string;
  stored: StoredEvent;
  /** Runs so far, this one included. */
  attempts: number;
  error: SafeError;
  /** The run was not counted at its start (a first run), so the failure counts it. */
  countRun: boolean;
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
 * Runs a batch of stream entries through the handler, one at a time in stream order. A success is
 * acknowledged; a failure is counted in Redis and retried after a backoff; the `maxAttempts`-th
 * failure parks the event for manual review atomically with its acknowledgement. A first run of a
 * fresh entry costs no write of its own (its ack is shared with the batch); every later run (retry
 * or replay after a restart) is counted in Redis before it starts, so an event that crashes the
 * process is parked too, after at most `maxAttempts + 1` crashes. Internal.
 */
export class BatchRunner<P> {
  /** Entries whose run timed out here, left to go idle for any consumer to claim. */
  readonly abandoned: AbandonedRuns;

  constructor(private readonly ctx: OutboxContext<P>) {
    this.abandoned = new AbandonedRuns(2 * ctx.opts.claimIdleMs);
  }

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
    const acks = new AckBuffer(this.ctx, client, counts);
    const heartbeat = new Heartbeat(this.ctx, client, ids);
    const timer = new RunTimer(this.ctx.opts.handlerTimeoutMs);
    try {
      const prior = fresh ? undefined : await this.priorRuns(client, ids);
      for (const entry of mine) {
        if (signal.aborted) break;
        if (heartbeat.lost.has(entry.streamId)) continue;
        await this.runEntry(client, entry, prior?.get(entry.streamId) ?? FRESH, acks, counts, signal, timer);
        heartbeat.finished(entry.streamId);
      }
      await acks.flush();
    } finally {
      heartbeat.stop();
      timer.stop();
      for (const id of ids) this.ctx.local.delete(id);
    }
    return counts;
  }

  private async runEntry(
    client: RedisClient,
    entry: RawEntry,
    prior: PriorRuns,
    acks: AckBuffer,
    counts: BatchCounts,
    signal: AbortSignal,
    timer: RunTimer,
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
      return this.park(client, sid, raw, prior.attempts, why, acks, counts);
    }
    if (this.ctx.unconfirmed.has(sid)) {
      // Handled here already; only its acknowledgement failed (or is still on its way).
      acks.add(sid, prior !== FRESH);
      return;
    }
    const max = this.ctx.opts.maxAttempts;
    let { attempts, lastError } = prior;
    for (;;) {
      if (attempts >= max)
        return this.park(client, sid, stored, attempts, lastError ?? INTERRUPTED, acks, counts);
      if (signal.aborted) return;
      const marked = prior !== FRESH || attempts > 0;
      if (marked) acks.markStart(sid);
      attempts++;
      let timedOut = false;
      try {
        const timeout = await this.invoke(stored, sid, attempts, timer);
        if (timeout === undefined) {
          acks.add(sid, marked);
          return;
        }
        timedOut = true;
        lastError = toSafeError(timeout);
      } catch (err) {
        lastError = toSafeError(err);
      }
      if (attempts >= max) continue;
      counts.retried++;
      if (timedOut) {
        // Retrying here would keep the entry on the consumer that just hung on it: leave it pending
        // (the batch stops re-claiming it) for whichever consumer claims it once it is idle.
        const run = { sid, stored, attempts, error: lastError, countRun: !marked };
        await this.recordFailure(client, run, acks, undefined);
        this.abandoned.add(sid);
        return;
      }
      const run = { sid, stored, attempts, error: lastError, countRun: !marked };
      if (!(await this.retryLater(client, run, acks, signal))) return;
    }
  }

  /** One handler run, bounded by `handlerTimeoutMs`: resolves with the timeout, rejects with the handler's error. */
  private invoke(
    stored: StoredEvent,
    streamId: string,
    attempts: number,
    timer: RunTimer,
  ): Promise<TimeoutError | undefined> {
    const event = {
      id: stored.id,
      type: stored.type,
      payload: parsePayload(stored.payload) as P,
      createdAt: stored.createdAt,
      attempts,
      streamId,
      status: 'PENDING' as const,
    };
    const { opts, logger } = this.ctx;
    return runHandler(opts, event, timer, (outcome) =>
      logger.info(
        { eventId: stored.id, type: stored.type, attempt: attempts, outcome },
        'outbox handler settled after its timeout; ignored (that run counted as failed)',
      ),
    );
  }

  /** Records the failure (and the run, when it was not marked), then waits the backoff; `false` when stopped meanwhile. */
  private async retryLater(
    client: RedisClient,
    run: FailedRun,
    acks: AckBuffer,
    signal: AbortSignal,
  ): Promise<boolean> {
    const delayMs = Math.round(backoffDelay(run.attempts, this.ctx.opts.backoff));
    await this.recordFailure(client, run, acks, delayMs);
    try {
      await delay(delayMs, signal);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Counts, logs and stores a failed run (its error, and the run itself when it was not marked at
   * its start). `retryInMs`: the backoff before the retry here; `undefined` after a timeout, when
   * the entry is left for a claim instead.
   */
  private async recordFailure(
    client: RedisClient,
    { sid, stored, attempts, error, countRun }: FailedRun,
    acks: AckBuffer,
    retryInMs: number | undefined,
  ): Promise<void> {
    const { opts, keys, metrics, logger } = this.ctx;
    metrics.count('retried');
    const fields = { eventId: stored.id, type: stored.type, attempt: attempts, err: error };
    if (retryInMs === undefined) {
      logger.warn(
        { ...fields, claimIdleMs: opts.claimIdleMs },
        'outbox handler timed out; its event will run again once idle, on whichever consumer claims it',
      );
    } else {
      logger.warn({ ...fields, retryInMs }, 'outbox handler failed; will retry');
    }
    acks.send();
    await command(this.ctx, client, 'outbox record failure', (c) =>
      FAIL.run(c, [keys.state], [sid, JSON.stringify(error), countRun ? 1 : 0]),
    ).catch(() => undefined);
  }

  private async park(
    client: RedisClient,
    sid: string,
    stored: StoredEvent,
    attempts: number,
    lastError: SafeError,
    acks: AckBuffer,
    counts: BatchCounts,
  ): Promise<void> {
    const { opts, keys, metrics, logger } = this.ctx;
    const record: ReviewRecord = { ...stored, attempts, lastError, reviewAt: Date.now(), streamId: sid };
    acks.send();
    try {
      const moved = await command(this.ctx, client, 'outbox park', (c) =>
        REVIEW.run(c, [keys.stream, keys.state, keys.review], [opts.group, sid, JSON.stringify(record)]),
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
