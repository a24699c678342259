import { Lifecycle } from './Lifecycle';
import type { ChainableCommander } from 'ioredis';
import type { Dependency } from '../dependencies/Dependency';
import { RedisUnavailableError } from '../errors/RedisUnavailableError';
import { TimeoutError } from '../errors/TimeoutError';
import { resolveLogger } from '../logging/resolveLogger';
import { resolveRegistry } from '../metrics/registry';
import type { RedisClient } from '../redis/RedisClient';
import { redact } from '../redaction/redact';
import { withTimeout } from '../timing/withTimeout';
import { BatchRunner } from './BatchRunner';
import { ConsumeLoop } from './ConsumeLoop';
import { outboxKeys } from './keys';
import { boundedCommand } from '../redis/boundedCommand';
import { command, whenReady, type OutboxContext } from './OutboxContext';
import {
  encodeEvent,
  reviewToEvent,
  type NewOutboxEvent,
  type OutboxEvent,
  type ReviewRecord,
  type StoredEvent,
} from './OutboxEvent';
import {
  outboxHealthCheck,
  redisStore,
  type OutboxCounts,
  type OutboxHealthOptions,
} from './outboxHealthCheck';
import { OutboxMetrics } from './OutboxMetrics';
import { resolveOutboxOptions, type OutboxOptions } from './OutboxOptions';
import { recoverPass, type RecoveryCounts } from './recoverPass';
import { ADD, COUNTS, REQUEUE, TRIM } from './scripts';
import { UnconfirmedAcks } from './UnconfirmedAcks';

const COUNTS_EVERY_MS = 1000;

/** What `recoverPending()` did. */
export interface RecoverResult {
  /** Events handled and acknowledged. */
  recovered: number;
  /** Events parked for manual review. */
  manualReview: number;
}

/**
 * A transactional outbox on Redis Streams: `add` stores an event durably (idempotent by
 * id), the consumer loop runs the handler for each one, failed runs are retried with backoff, and
 * after `maxAttempts` runs the event is parked for manual review — never dropped. A crash at any
 * point loses nothing: unacknowledged entries stay pending and `recoverPending()` replays them.
 *
 * @example
 * const outbox = new Outbox({ redis, handler: async (e) => { await mailer.send(e.payload); } });
 * await outbox.recoverPending();
 * outbox.start();
 * await outbox.add({ type: 'welcome-mail', payload: { to: 'ada@example.com' }, id: 'user-42' });
 */
export class Outbox<P = unknown> {
  private readonly ctx: OutboxContext<P>;
  private readonly runner: BatchRunner<P>;
  private readonly loop: ConsumeLoop<P>;
  private readonly lifecycle = new Lifecycle();
  private countsTimer: NodeJS.Timeout | undefined;

  constructor(options: OutboxOptions<P>) {
    const opts = resolveOutboxOptions(options);
    const keys = outboxKeys(opts.stream);
    this.ctx = {
      opts,
      keys,
      metrics: new OutboxMetrics(resolveRegistry(options.registry), keys.stream),
      logger: resolveLogger(options.logger, 'outbox'),
      local: new Set(),
      unconfirmed: new UnconfirmedAcks(),
    };
    this.runner = new BatchRunner(this.ctx);
    this.loop = new ConsumeLoop(this.ctx, this.runner, {
      ensureGroup: (c) => this.ensureGroup(c),
      trim: (c) => command(this.ctx, c, 'outbox trim', (cc) => TRIM.run(cc, [this.ctx.keys.stream], [])),
      logRecovery: (counts, always) => this.logRecovery(counts, always),
    });
  }

  /** The Redis key of the stream (the `stream` option with its hash tag). */
  get streamKey(): string {
    return this.ctx.keys.stream;
  }

  /** This process's consumer name in the group. */
  get consumer(): string {
    return this.ctx.opts.consumer;
  }

  /**
   * Stores an event and resolves with its id. Adding an id that was added before (within
   * `dedupeTtlMs`) stores nothing and resolves with the same id. When Redis is down or does not
   * answer within `commandTimeoutMs`, rejects with `RedisUnavailableError`; after a timeout the
   * event may or may not be stored, so add it again with the same id.
   */
  async add(event: NewOutboxEvent<P>): Promise<string> {
    const stored = encodeEvent(event, Date.now());
    try {
      await boundedCommand(this.ctx.opts.redis, this.ctx.opts.commandTimeoutMs, 'outbox add', (c) =>
        ADD.run(c, this.addKeys(stored), this.addArgs(stored)),
      );
    } catch (err) {
      throw addError(stored.id, err, this.ctx.opts.commandTimeoutMs);
    }
    return stored.id;
  }

  /**
   * Queues the add inside the caller's `multi` (a MULTI of the same Redis or Cluster slot), so the
   * event is stored exactly when the caller's own writes commit: a failed or aborted EXEC stores
   * neither. Idempotent like `add` (the Lua script checks the id inside the transaction). Returns
   * the event id; throws `ConfigError` synchronously for a malformed event.
   */
  addTo(multi: ChainableCommander, event: NewOutboxEvent<P>): string {
    const stored = encodeEvent(event, Date.now());
    const keys = this.addKeys(stored);
    multi.eval(ADD.source, keys.length, ...keys, ...this.addArgs(stored));
    return stored.id;
  }

  /**
   * Replays work left unfinished: this consumer's own pending entries first, then other consumers'
   * entries idle longer than `claimIdleMs`. Call it at start-up (a stable `consumer` name makes a
   * restart replay its own entries at once). A client still connecting gets `commandTimeoutMs` to
   * become ready; rejects with `RedisUnavailableError` when Redis cannot be reached.
   */
  async recoverPending(): Promise<RecoverResult> {
    const signal = this.lifecycle.signal();
    const task = (async () => {
      const client = this.ctx.opts.redis;
      await whenReady(client, this.ctx.opts.commandTimeoutMs);
      await this.ensureGroup(client);
      const counts = await recoverPass(this.ctx, this.runner, client, signal);
      this.logRecovery(counts, true);
      await this.counts(client).catch(() => undefined);
      return { recovered: counts.done, manualReview: counts.manualReview };
    })();
    return this.lifecycle.track(task);
  }

  /**
   * Starts the consumer loop on a dedicated connection, and a refresh of the gauges every second
   * (on the user's connection, bounded). Calling it twice is harmless; during a `stop()` it starts
   * once the stop is done.
   */
  start(): void {
    if (this.lifecycle.stopping) {
      // Called while a stop() is still waiting for a handler: start once it is done.
      void this.lifecycle.stopping.then(() => this.start());
      return;
    }
    this.lifecycle.signal();
    this.loop.start();
    if (this.countsTimer) return;
    const refresh = (): void => void this.counts(this.ctx.opts.redis).catch(() => undefined);
    this.countsTimer = setInterval(refresh, COUNTS_EVERY_MS);
    this.countsTimer.unref();
    refresh();
  }

  /**
   * Stops the loop: a blocking read ends at once, a handler in flight finishes and is acknowledged
   * (waiting at most `stopTimeoutMs`), and entries not run stay pending for the next start. Calling
   * it twice is harmless.
   */
  stop(): Promise<void> {
    return this.lifecycle.stop(async () => {
      this.lifecycle.abort();
      clearInterval(this.countsTimer);
      this.countsTimer = undefined;
      const timeoutMs = this.ctx.opts.stopTimeoutMs;
      const recoveries = Promise.all([...this.lifecycle.work].map((w) => w.catch(() => undefined)));
      await Promise.all([
        this.loop.stop(timeoutMs),
        withTimeout(() => recoveries, timeoutMs, 'outbox stop').catch(() => undefined),
      ]);
    });
  }

  /**
   * Every event parked for manual review, oldest first. Each parked event is its own entry: an id
   * that was added again (after `dedupeTtlMs`) and parked again appears twice.
   */
  async manualReview(): Promise<OutboxEvent<P>[]> {
    const parked = await this.parked();
    this.ctx.metrics.setReview(parked.length);
    return parked.map(([, record]) => reviewToEvent(record)) as OutboxEvent<P>[];
  }

  /**
   * Puts every parked event with this id back on the stream (oldest first, each with its own
   * payload) for a fresh set of `maxAttempts` runs. Resolves `true` when at least one was requeued,
   * `false` when no event with that id is in manual review.
   */
  async requeue(id: string): Promise<boolean> {
    const { opts, keys, metrics, logger } = this.ctx;
    const mine = (await this.parked()).filter(([, record]) => record.id === id);
    if (mine.length === 0) return false;
    const args = mine.flatMap(([field, r]) => [field, r.id, r.type, r.payload, r.createdAt]);
    const requeued = Number(
      await command(this.ctx, opts.redis, 'outbox requeue', (c) =>
        REQUEUE.run(c, [keys.stream, keys.review, keys.idPrefix + id], [opts.dedupeTtlMs, ...args]),
      ),
    );
    if (requeued === 0) return false;
    metrics.adjustReview(-requeued);
    logger.info({ eventId: id, type: mine[0][1].type, requeued }, 'outbox event requeued from manual review');
    return true;
  }

  /**
   * A dependency for the manager: `OUTAGE` when Redis cannot be reached, `MAJOR` when the oldest
   * unhandled event is older than 5 × `maxAgeMs`, `MINOR` while manual review is not empty or it is
   * older than `maxAgeMs` (default 60000), else `OK`. `opts` overrides any `Dependency` field
   * (default id `'outbox'`).
   */
  healthCheck(opts?: OutboxHealthOptions): Dependency {
    return outboxHealthCheck(() => this.counts(this.ctx.opts.redis), redisStore(this.ctx.keys.stream), opts);
  }

  /** The review hash as `[field, record]` pairs, oldest parked first. */
  private async parked(): Promise<[string, ReviewRecord][]> {
    const all = await command(this.ctx, this.ctx.opts.redis, 'outbox manual review', (c) =>
      c.hgetall(this.ctx.keys.review),
    );
    const records = Object.entries(all).map(
      ([field, text]) => [field, JSON.parse(text)] as [string, ReviewRecord],
    );
    return records.sort(([, a], [, b]) => a.reviewAt - b.reviewAt);
  }

  private addKeys(e: StoredEvent): string[] {
    return [this.ctx.keys.stream, this.ctx.keys.idPrefix + e.id];
  }

  private addArgs(e: StoredEvent): (string | number)[] {
    return [e.id, e.type, e.payload, e.createdAt, this.ctx.opts.dedupeTtlMs];
  }

  private async ensureGroup(client: RedisClient): Promise<void> {
    const { opts, keys } = this.ctx;
    try {
      await command(this.ctx, client, 'outbox create group', (c) =>
        c.xgroup('CREATE', keys.stream, opts.group, '0', 'MKSTREAM'),
      );
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  /** Fetches what is not handled yet (one bounded script) and publishes it on the gauges. */
  private async counts(client: RedisClient): Promise<OutboxCounts> {
    const { keys, opts, metrics } = this.ctx;
    const reply = (await command(this.ctx, client, 'outbox counts', (c) =>
      COUNTS.run(c, [keys.stream, keys.review], [opts.group]),
    )) as number[];
    const [pending, undelivered, review, oldestMs, nowMs] = reply.map(Number);
    const counts: OutboxCounts = {
      pending: pending + undelivered,
      review,
      oldestAgeMs: oldestMs < 0 ? undefined : Math.max(0, nowMs - oldestMs),
    };
    metrics.setCounts(counts);
    return counts;
  }

  private logRecovery(counts: RecoveryCounts, always: boolean): void {
    const found = counts.ownPending + counts.claimed + counts.deleted;
    if (!always && found === 0) return;
    const { done, manualReview, retried, ownPending, claimed, deleted } = counts;
    this.ctx.logger.info(
      { recovered: done, manualReview, retried, ownPending, claimed, deleted },
      'outbox recovery finished',
    );
  }
}

/**
 * The error `add()` rejects with. Only a refusal before sending, or an error reply (the script is
 * atomic), proves the event was not stored; a timeout or a dropped connection leaves it unknown.
 */
function addError(id: string, err: unknown, timeoutMs: number): RedisUnavailableError {
  const cause = err instanceof Error ? err.cause : undefined;
  if (err instanceof TimeoutError || cause instanceof TimeoutError) {
    return new RedisUnavailableError(
      `outbox event "${id}" may not have been stored: Redis did not answer within ${timeoutMs} ms; ` +
        'add it again with the same id (adds are idempotent)',
      err,
    );
  }
  const why = redact(err instanceof Error ? err.message : String(err));
  const refused = cause === undefined || (cause instanceof Error && cause.name === 'ReplyError');
  if (refused) return new RedisUnavailableError(`outbox event "${id}" was not stored: ${why}`, err);
  return new RedisUnavailableError(
    `outbox event "${id}" may not have been stored: ${why}; add it again with the same id (adds are idempotent)`,
    err,
  );
}
