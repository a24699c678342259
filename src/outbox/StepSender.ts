import type { RedisClient } from '../redis/RedisLike';
import { toSafeError } from '../redaction/redact';
import { command, type OutboxContext } from './OutboxContext';
import { STEP } from './scripts';

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
 * Sends a batch's acknowledgements and run-start marks without waiting a round trip per event:
 * the ack of one event rides with the run-start mark of the next (one STEP script call), and the
 * batch awaits them all at its end. Commands on one connection run in order, so a mark always
 * lands before the ack that clears it. Internal.
 */
export class StepSender {
  private toAck: string | undefined;
  private readonly sent: Promise<void>[] = [];

  constructor(
    private readonly ctx: OutboxContext<unknown>,
    private readonly client: RedisClient,
    private readonly counts: BatchCounts,
  ) {}

  /** Marks the start of a handler run on `streamId` (durable run count), sending any pending ack with it. */
  begin(streamId: string): void {
    this.send(this.toAck, streamId);
    this.toAck = undefined;
  }

  /** The handler finished `streamId`: acknowledge it with the next call. */
  succeeded(streamId: string): void {
    this.release();
    this.toAck = streamId;
  }

  /** Sends a pending ack now (before a wait, or before parking another entry). */
  release(): void {
    if (this.toAck === undefined) return;
    this.send(this.toAck, undefined);
    this.toAck = undefined;
  }

  /** Sends what is pending and waits for every call of the batch to settle. */
  async flush(): Promise<void> {
    this.release();
    await Promise.all(this.sent);
    this.sent.length = 0;
  }

  private send(ack: string | undefined, begin: string | undefined): void {
    const { keys, opts } = this.ctx;
    const call = command(this.ctx, this.client, 'outbox ack', (c) =>
      STEP.run(c, [keys.stream, keys.state], [opts.group, ack ?? '', begin ?? '']),
    ).then(
      (acked) => {
        if (ack !== undefined && acked === 1) {
          this.counts.done++;
          this.ctx.metrics.count('done');
        }
      },
      (err: unknown) => {
        if (ack === undefined) return;
        this.ctx.logger.warn(
          { streamId: ack, err: toSafeError(err) },
          'outbox ack failed; the event stays pending and will run again',
        );
      },
    );
    this.sent.push(call);
  }
}
