import { RedisUnavailableError } from '../errors/RedisUnavailableError';
import type { RedisClient } from '../redis/RedisClient';
import { toSafeError } from '../redaction/redact';
import { withTimeout } from '../timing/withTimeout';
import type { OutboxContext } from './OutboxContext';
import { ACK } from './scripts';

/** Running totals of one batch. */
export interface BatchCounts {
  /** Events handled and acknowledged. */
  done: number;
  /** Events parked for manual review. */
  manualReview: number;
  /** Failed runs that will be retried. */
  retried: number;
}

/**
 * A batch's acknowledgements and run-start marks, sent without a round trip per event: events
 * finished in one turn of the event loop are acknowledged by one ACK call at its end (fast handlers
 * share one call per batch; handlers that do I/O get theirs within a tick), and the batch awaits
 * every call once, at its end. Commands on one connection run in order, so pending acks always
 * land before a later mark. Never queues offline: a client that is not ready fails at once.
 * Internal.
 */
export class AckBuffer {
  private pending: string[] = [];
  /** Whether any pending entry may have a run count or error in the state hash to forget. */
  private pendingState = false;
  private scheduled: NodeJS.Immediate | undefined;
  private readonly sent: Promise<void>[] = [];

  constructor(
    private readonly ctx: OutboxContext<unknown>,
    private readonly client: RedisClient,
    private readonly counts: BatchCounts,
  ) {}

  /**
   * `streamId` was handled: acknowledge it at the end of this turn of the event loop. `hasState`:
   * it ran before (replay or retry), so its run count must be forgotten too.
   */
  add(streamId: string, hasState: boolean): void {
    this.pending.push(streamId);
    this.pendingState ||= hasState;
    this.scheduled ??= setImmediate(() => this.send());
  }

  /**
   * Durably counts the start of a run of an entry that ran before (a replay or a retry), after
   * sending pending acks, so a crash during the run uses up one of its attempts.
   */
  markStart(streamId: string): void {
    this.send();
    this.fire(
      (c) => c.hincrby(this.ctx.keys.state, streamId, 1),
      () => undefined,
    );
  }

  /**
   * Sends pending acks now (before a mark, a wait, or parking another entry): a plain XACK when no
   * entry has state (the common case: first runs that succeeded), else the ACK script.
   */
  send(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.pending.length === 0) return;
    const ids = this.pending;
    const withState = this.pendingState;
    this.pending = [];
    this.pendingState = false;
    const { keys, opts, metrics, logger, unconfirmed } = this.ctx;
    unconfirmed.sending(ids);
    this.fire(
      (c) =>
        withState
          ? ACK.run(c, [keys.stream, keys.state], [opts.group, ...ids])
          : c.xack(keys.stream, opts.group, ...ids),
      (acked) => {
        unconfirmed.confirmed(ids);
        this.counts.done += Number(acked);
        metrics.count('done', Number(acked));
      },
      (err) =>
        logger.warn(
          { streamIds: ids, err: toSafeError(err) },
          'outbox ack failed; the events stay pending and will run again',
        ),
    );
  }

  /** Sends what is pending and waits for every call of the batch, at most `commandTimeoutMs` in all. */
  async flush(): Promise<void> {
    this.send();
    const sent = this.sent.splice(0);
    await withTimeout(() => Promise.all(sent), this.ctx.opts.commandTimeoutMs, 'outbox ack').catch(
      () => undefined,
    );
  }

  private fire(
    run: (c: RedisClient) => Promise<unknown>,
    onDone: (reply: unknown) => void,
    onError: (err: unknown) => void = () => undefined,
  ): void {
    const status = this.client.status;
    const call =
      status === 'ready'
        ? run(this.client)
        : Promise.reject(new RedisUnavailableError(`Redis is not ready (${status}): outbox ack not sent`));
    this.sent.push(call.then(onDone, onError));
  }
}
