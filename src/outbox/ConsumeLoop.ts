import type { RedisClient } from '../redis/RedisClient';
import { ownConnection } from '../redis/ownConnection';
import { toSafeError } from '../redaction/redact';
import { backoffDelay } from '../retry/backoffDelay';
import { delay } from '../timing/delay';
import { withTimeout } from '../timing/withTimeout';
import type { BatchRunner } from './BatchRunner';
import { command, isNoGroupError, parseReadReply, type OutboxContext, type RawEntry } from './OutboxContext';
import { recoverPass, type RecoveryCounts } from './recoverPass';

/** The Redis housekeeping the loop needs from its outbox. */
export interface LoopHooks {
  ensureGroup(client: RedisClient): Promise<void>;
  trim(client: RedisClient): Promise<unknown>;
  logRecovery(counts: RecoveryCounts, always: boolean): void;
}

const RECONNECT = Object.freeze({ baseMs: 100, maxMs: 5000, jitter: 'equal' as const });
/** Consecutive failures before the loop logs that it lost Redis (start-up connects are quiet). */
const WARN_AFTER = 5;

/**
 * The consumer loop: XREADGROUP BLOCK on a dedicated connection (`redis.duplicate()`, because a
 * blocking read would stall every other command on the user's connection), a recovery pass every
 * `claimIdleMs / 2` (own leftovers, then dead consumers' idle entries) and trimming. `stop()` ends a
 * BLOCK at once by disconnecting, and otherwise waits for the run in flight (bounded). Internal.
 */
export class ConsumeLoop<P> {
  private conn: RedisClient | undefined;
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  private reading = false;

  constructor(
    private readonly ctx: OutboxContext<P>,
    private readonly runner: BatchRunner<P>,
    private readonly hooks: LoopHooks,
  ) {}

  /** True between `start()` and the end of `stop()`. */
  get active(): boolean {
    return this.running !== undefined;
  }

  start(): void {
    if (this.running) return;
    const conn = ownConnection(this.ctx.opts.redis);
    conn.on('error', (err: unknown) =>
      this.ctx.logger.debug({ err: toSafeError(err) }, 'outbox consumer connection error'),
    );
    const controller = new AbortController();
    this.conn = conn;
    this.controller = controller;
    this.running = this.loop(conn, controller.signal);
  }

  /** Resolves once the loop ended, or after `timeoutMs` with a handler still running (logged). */
  async stop(timeoutMs: number): Promise<void> {
    const { running, conn, controller } = this;
    if (!running || !conn || !controller) return;
    controller.abort();
    // Disconnect once only: ioredis arms a 2 s timer per call that a second call leaves behind.
    const disconnectedEarly = this.reading;
    if (disconnectedEarly) conn.disconnect();
    await withTimeout(() => running, timeoutMs, 'outbox stop').catch(() =>
      this.ctx.logger.warn(
        { timeoutMs },
        'outbox stop gave up waiting for the handler in flight; its event stays pending and will run again',
      ),
    );
    if (!disconnectedEarly) conn.disconnect();
    this.running = this.conn = this.controller = undefined;
  }

  private async loop(conn: RedisClient, signal: AbortSignal): Promise<void> {
    const { opts, logger } = this.ctx;
    let failures = 0;
    let groupReady = false;
    const next = { recover: 0, trim: Date.now() + opts.trimIntervalMs };
    while (!signal.aborted) {
      try {
        if (conn.status !== 'ready') throw new Error(`consumer connection is ${conn.status}`);
        if (!groupReady) await this.hooks.ensureGroup(conn);
        groupReady = true;
        await this.housekeeping(conn, signal, next);
        const entries = await this.read(conn, signal);
        if (entries.length > 0) await this.runner.run(conn, entries, true, signal);
        if (failures >= WARN_AFTER) logger.info('outbox consumer reached Redis again');
        failures = 0;
      } catch (err) {
        if (signal.aborted) break;
        if (isNoGroupError(err)) groupReady = false;
        failures++;
        if (failures === WARN_AFTER)
          logger.warn({ err: toSafeError(err) }, 'outbox consumer cannot reach Redis');
        if (conn.status === 'wait' || conn.status === 'end') conn.connect().catch(() => undefined);
        await delay(backoffDelay(failures, RECONNECT), signal).catch(() => undefined);
      }
    }
  }

  private async housekeeping(
    conn: RedisClient,
    signal: AbortSignal,
    next: { recover: number; trim: number },
  ): Promise<void> {
    const { opts } = this.ctx;
    const now = Date.now();
    if (now >= next.recover) {
      next.recover = now + Math.max(10, Math.floor(opts.claimIdleMs / 2));
      this.hooks.logRecovery(await recoverPass(this.ctx, this.runner, conn, signal), false);
    }
    if (opts.trimIntervalMs > 0 && now >= next.trim) {
      next.trim = now + opts.trimIntervalMs;
      await this.hooks.trim(conn);
    }
  }

  private async read(conn: RedisClient, signal: AbortSignal): Promise<RawEntry[]> {
    // Checked synchronously with `reading = true`, so `stop()` either sees the read and disconnects
    // or the read is never sent.
    if (signal.aborted) return [];
    const { opts, keys } = this.ctx;
    this.reading = true;
    try {
      // Given up on as soon as stop() aborts: a read that ioredis queued for resending when Redis
      // went away is never settled by disconnect(), and the bound below is an unref'd timer, so a
      // process with nothing else left would exit with stop() still pending.
      const reply = await withTimeout(
        () =>
          command(
            this.ctx,
            conn,
            'outbox read',
            (c) =>
              c.call(
                'XREADGROUP',
                ...['GROUP', opts.group, opts.consumer, 'COUNT', opts.batchSize, 'BLOCK', opts.blockMs],
                ...['STREAMS', keys.stream, '>'],
              ),
            opts.blockMs + opts.commandTimeoutMs,
          ),
        0,
        'outbox read',
        signal,
      );
      return parseReadReply(reply);
    } finally {
      this.reading = false;
    }
  }
}
