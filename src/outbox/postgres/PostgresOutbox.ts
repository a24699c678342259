import { Lifecycle } from '../Lifecycle';
import type { Dependency } from '../../dependencies/Dependency';
import { ConfigError } from '../../errors/ConfigError';
import { DatabaseUnavailableError } from '../../errors/DatabaseUnavailableError';
import { TimeoutError } from '../../errors/TimeoutError';
import { resolveLogger } from '../../logging/resolveLogger';
import { resolveRegistry } from '../../metrics/registry';
import { redact } from '../../redaction/redact';
import { withTimeout } from '../../timing/withTimeout';
import { assertOptions } from '../../validation/assert';
import { encodeEvent, type NewOutboxEvent, type OutboxEvent } from '../OutboxEvent';
import { outboxHealthCheck, type OutboxCounts, type OutboxHealthOptions } from '../outboxHealthCheck';
import { OutboxMetrics } from '../OutboxMetrics';
import type { RecoverResult } from '../Outbox';
import { clientQuery, isConnectionError, poolQuery } from './boundedQuery';
import { runBatch } from './PgBatch';
import { query, type OutboxRow, type PgOutboxContext } from './PgContext';
import { isPgClient, type PgClient } from './PgLike';
import { PgListener } from './PgListener';
import { pgConsumeLoop } from './pgConsumeLoop';
import { resolvePostgresOutboxOptions, type PostgresOutboxOptions } from './PostgresOutboxOptions';
import { toEvent } from './PgBatch';
import { outboxSql } from './sql';
import { Wake } from './Wake';

const COUNTS_EVERY_MS = 1000;

/** Options of `postgresOutbox.add(event, opts)`. */
export interface PostgresAddOptions {
  /** A client inside your `BEGIN … COMMIT`: the event is stored exactly when your transaction commits. @default a client of the pool (the event is stored on its own) */
  client?: PgClient;
}

/**
 * A transactional outbox in a PostgreSQL table. `add(event, { client })` inserts the event in your
 * own transaction, so it is stored exactly when your business rows are: committed → it runs (at
 * least once) or is parked; rolled back → it never runs. Consumers (any number of processes) claim
 * due rows with `FOR UPDATE SKIP LOCKED` and a lease, are woken by `LISTEN/NOTIFY` and poll every
 * `pollMs` as a safety net. A failed run is retried after a backoff; after `maxAttempts` runs the
 * event is `MANUAL_REVIEW_REQUIRED`, never dropped. Every query is bounded by `queryTimeoutMs`.
 *
 * @example
 * const outbox = new PostgresOutbox({ pool, handler: async (e) => { await mailer.send(e.payload); } });
 * await outbox.migrate();
 * await outbox.recoverPending();
 * outbox.start();
 * const client = await pool.connect();
 * await client.query('BEGIN');
 * await client.query('INSERT INTO orders (id) VALUES ($1)', [orderId]);
 * await outbox.add({ type: 'order.placed', payload: { orderId }, id: `order-${orderId}` }, { client });
 * await client.query('COMMIT');
 * client.release();
 */
export class PostgresOutbox<P = unknown> {
  private readonly ctx: PgOutboxContext<P>;
  private readonly wake = new Wake();
  private readonly listener: PgListener;
  private readonly lifecycle = new Lifecycle();
  private loop: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];

  constructor(options: PostgresOutboxOptions<P>) {
    const opts = resolvePostgresOutboxOptions(options);
    this.ctx = {
      opts,
      sql: outboxSql(opts.table),
      metrics: new OutboxMetrics(resolveRegistry(options.registry), opts.table),
      logger: resolveLogger(options.logger, 'outbox'),
    };
    this.listener = new PgListener(
      opts.pool,
      this.ctx.sql,
      opts.queryTimeoutMs,
      opts.pollMs,
      this.ctx.logger,
      () => this.wake.notify(),
    );
  }

  /** The table (the `table` option). */
  get table(): string {
    return this.ctx.opts.table;
  }

  /** This process's name as the lease owner. */
  get consumer(): string {
    return this.ctx.opts.consumer;
  }

  /**
   * Creates the table and its indexes when absent. Idempotent, and safe when many processes run it
   * at once (they take an advisory lock in turn). Rejects with `DatabaseUnavailableError`.
   */
  async migrate(): Promise<void> {
    try {
      await query(this.ctx, this.ctx.sql.migrate, [], 'outbox migrate');
    } catch (err) {
      throw new DatabaseUnavailableError(`outbox table ${this.table} could not be created: ${why(err)}`, err);
    }
  }

  /**
   * Stores an event and resolves with its id. With `{ client }` the insert runs in your transaction
   * (commit or roll back as usual; consumers are notified on commit); without it, on a client of
   * the pool. An id already in the table stores nothing and resolves with the same id. A malformed
   * event rejects with `ConfigError` before any query; PostgreSQL down, or no answer within
   * `queryTimeoutMs`, rejects with `DatabaseUnavailableError` (its message says whether the event
   * may have been stored).
   */
  async add(event: NewOutboxEvent<P>, options?: PostgresAddOptions): Promise<string> {
    const stored = encodeEvent(event, Date.now());
    const { client } = assertOptions<PostgresAddOptions>('options', options);
    if (client !== undefined && !isPgClient(client))
      throw new ConfigError('options.client', client, 'a pg client');
    const { opts, sql } = this.ctx;
    const q = { text: sql.insert, values: [stored.id, stored.type, stored.payload] };
    try {
      if (client) await clientQuery(client, opts.pool, q, opts.queryTimeoutMs, 'outbox add');
      else await poolQuery(opts.pool, q, opts.queryTimeoutMs, 'outbox add');
    } catch (err) {
      throw addError(stored.id, err, opts.queryTimeoutMs, client !== undefined);
    }
    return stored.id;
  }

  /**
   * Replays work left unfinished: hands back the rows still leased under this consumer's name (a
   * restart of the same consumer: the old process is gone), then runs every due row until none is
   * left. Call it at start-up. Rejects with `DatabaseUnavailableError` when PostgreSQL cannot be reached.
   */
  async recoverPending(): Promise<RecoverResult> {
    const signal = this.lifecycle.signal();
    const task = (async () => {
      const { opts, sql, logger } = this.ctx;
      const result = { recovered: 0, manualReview: 0 };
      try {
        const released = await query(this.ctx, sql.releaseOwner, [opts.consumer], 'outbox recover');
        for (;;) {
          const counts = await runBatch(this.ctx, signal, () => undefined);
          result.recovered += counts.done;
          result.manualReview += counts.manualReview;
          if (counts.claimed < opts.batchSize || signal.aborted) break;
        }
        logger.info({ ...result, released: released.rowCount ?? 0 }, 'outbox recovery finished');
      } catch (err) {
        throw new DatabaseUnavailableError(`outbox recovery failed: ${why(err)}`, err);
      }
      await this.counts().catch(() => undefined);
      return result;
    })();
    return this.lifecycle.track(task);
  }

  /**
   * Starts the consumer: a `LISTEN` connection (one client of the pool), the claim loop, a refresh
   * of the gauges every second and, with `retainMs`, a purge of old handled rows. Calling it twice
   * is harmless; during a `stop()` it starts once the stop is done.
   */
  start(): void {
    if (this.lifecycle.stopping) {
      void this.lifecycle.stopping.then(() => this.start());
      return;
    }
    if (this.loop) return;
    const signal = this.lifecycle.signal();
    this.listener.start();
    this.loop = pgConsumeLoop(this.ctx, this.wake, this.listener, signal);
    const every = (ms: number, fn: () => Promise<unknown>): void => {
      const run = (): void => void fn().catch(() => undefined);
      const timer = setInterval(run, ms);
      timer.unref();
      this.timers.push(timer);
      run();
    };
    every(COUNTS_EVERY_MS, () => this.counts());
    const { retainMs, pollMs } = this.ctx.opts;
    if (retainMs > 0) {
      every(Math.max(pollMs, Math.min(retainMs, 60_000)), () =>
        query(this.ctx, this.ctx.sql.purgeDone, [retainMs], 'outbox purge'),
      );
    }
  }

  /**
   * Stops the consumer: the handler in flight finishes (waiting at most `stopTimeoutMs`), claimed
   * rows not started are handed back, and the `LISTEN` client is closed. Leaves no timer or
   * connection of ours behind. Calling it twice is harmless.
   */
  stop(): Promise<void> {
    return this.lifecycle.stop(async () => {
      this.lifecycle.abort();
      this.listener.stop();
      for (const t of this.timers) clearInterval(t);
      this.timers = [];
      const running: Promise<unknown>[] = this.loop
        ? [this.loop, ...this.lifecycle.work]
        : [...this.lifecycle.work];
      const pending = running.map((w) => w.catch(() => undefined));
      const timeoutMs = this.ctx.opts.stopTimeoutMs;
      await withTimeout(() => Promise.all(pending), timeoutMs, 'outbox stop').catch(() =>
        this.ctx.logger.warn(
          { timeoutMs },
          'outbox stop gave up waiting for the handler in flight; its event will run again',
        ),
      );
      this.loop = undefined;
    });
  }

  /** Every event parked for manual review, oldest parked first. */
  async manualReview(): Promise<OutboxEvent<P>[]> {
    const { rows } = await this.bounded(() =>
      query<OutboxRow>(this.ctx, this.ctx.sql.review, [], 'outbox manual review'),
    );
    this.ctx.metrics.setReview(rows.length);
    return rows.map((r) => toEvent<P>(r, true));
  }

  /**
   * Puts the parked event with this id back to `PENDING` for a fresh set of `maxAttempts` runs
   * (consumers are notified). Resolves `true` when it was requeued, `false` when no event with that
   * id is in manual review.
   */
  async requeue(id: string): Promise<boolean> {
    if (typeof id !== 'string' || id.length === 0) throw new ConfigError('id', id, 'a non-empty string');
    const { rows } = await this.bounded(() =>
      query<{ type: string }>(this.ctx, this.ctx.sql.requeue, [id], 'outbox requeue'),
    );
    if (rows.length === 0) return false;
    this.ctx.metrics.adjustReview(-1);
    this.ctx.logger.info(
      { eventId: id, type: rows[0].type, requeued: 1 },
      'outbox event requeued from manual review',
    );
    return true;
  }

  /**
   * A dependency for the manager: `OUTAGE` when PostgreSQL cannot be reached, `MAJOR` when the
   * oldest unhandled event is older than 5 × `maxAgeMs`, `MINOR` while manual review is not empty
   * or it is older than `maxAgeMs` (default 60000), else `OK`. `opts` overrides any `Dependency`
   * field (default id `'outbox'`).
   */
  healthCheck(opts?: OutboxHealthOptions): Dependency {
    const store = {
      type: 'postgres',
      description: `Outbox in PostgreSQL table ${this.table}`,
      name: 'PostgreSQL',
    };
    return outboxHealthCheck(() => this.counts(), store, opts);
  }

  /** Fetches what is not handled yet (one bounded query) and publishes it on the gauges. */
  private async counts(): Promise<OutboxCounts> {
    const { rows } = await query<{ pending: number; review: number; oldest_ms: number | null }>(
      this.ctx,
      this.ctx.sql.counts,
      [],
      'outbox counts',
    );
    const [row] = rows;
    const counts: OutboxCounts = {
      pending: row.pending,
      review: row.review,
      oldestAgeMs: row.oldest_ms === null ? undefined : Math.max(0, row.oldest_ms),
    };
    this.ctx.metrics.setCounts(counts);
    return counts;
  }

  /** Runs `fn`, turning a connection failure or a timeout into `DatabaseUnavailableError`. */
  private async bounded<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof TimeoutError || isConnectionError(err)) {
        throw new DatabaseUnavailableError(`PostgreSQL unavailable: ${why(err)}`, err);
      }
      throw err;
    }
  }
}

function why(err: unknown): string {
  return redact(err instanceof Error ? err.message : String(err));
}

/**
 * The error `add()` rejects with. Refused before the insert was sent, or an SQL error, proves the
 * event was not stored; a timeout or a connection dropped mid-insert leaves it unknown (on the
 * pool; inside the caller's transaction nothing commits unless the caller commits).
 */
function addError(
  id: string,
  err: unknown,
  timeoutMs: number,
  inTransaction: boolean,
): DatabaseUnavailableError {
  const tx = inTransaction ? '; roll back your transaction' : '';
  const retry = inTransaction ? tx : '; add it again with the same id (adds are idempotent)';
  if (err instanceof TimeoutError) {
    const state = inTransaction ? 'was not stored' : 'may not have been stored';
    return new DatabaseUnavailableError(
      `outbox event "${id}" ${state}: PostgreSQL did not answer within ${timeoutMs} ms${retry}`,
      err,
    );
  }
  const sent =
    isConnectionError(err) &&
    !inTransaction &&
    /terminated|ECONNRESET|EPIPE/i.test(String((err as Error)?.message));
  if (sent)
    return new DatabaseUnavailableError(
      `outbox event "${id}" may not have been stored: ${why(err)}${retry}`,
      err,
    );
  return new DatabaseUnavailableError(`outbox event "${id}" was not stored: ${why(err)}${tx}`, err);
}
