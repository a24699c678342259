import type { Logger } from 'pino';
import { toSafeError } from '../../redaction/redact';
import { abandon, clientQuery, connectBounded } from './boundedQuery';
import type { PgPool, PgPoolClient } from './PgLike';
import type { OutboxSql } from './sql';

/** What {@link PgListener.idle} found. */
export type IdleState =
  /** Registered as idle, and no add that missed it is uncommitted: notifications will come. */
  | 'clear'
  /** Some transaction that added an event is still open (or the idle lock was briefly taken). */
  | 'adding'
  /** Not listening: only polling finds new events. */
  | 'deaf';

/**
 * Holds one client of the pool in `LISTEN` on the outbox's channel and calls `onWake` for each
 * notification. The same session registers the consumer as idle (adds notify only then), so a
 * dropped connection also stops the notifications nobody would receive. When that connection
 * drops (or cannot be made), it retries every `retryMs`; polling covers the gap. Internal.
 */
export class PgListener {
  private client: PgPoolClient | undefined;
  /** The session that holds the idle lock, when one does. */
  private idleOn: PgPoolClient | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private running = false;
  private connecting = false;

  constructor(
    private readonly pool: PgPool,
    private readonly sql: Pick<OutboxSql, 'listen' | 'idle' | 'clear' | 'busy'>,
    private readonly timeoutMs: number,
    private readonly retryMs: number,
    private readonly logger: Logger,
    private readonly onWake: () => void,
  ) {}

  /** True while a connection is listening. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.drop();
  }

  /** True while this listener's session is registered as idle. */
  get idle(): boolean {
    return this.client !== undefined && this.idleOn === this.client;
  }

  /**
   * Registers the consumer as idle (once per session) and says whether every add that could have
   * missed it has ended. A failure drops the connection (it is reconnected) and answers `'deaf'`.
   */
  async goIdle(): Promise<IdleState> {
    const client = this.client;
    if (!client) return 'deaf';
    const held = this.idleOn === client;
    try {
      const { rows } = await clientQuery<{ clear: boolean | null }>(
        client,
        this.pool,
        { text: held ? this.sql.clear : this.sql.idle },
        this.timeoutMs,
        'outbox idle',
      );
      if (this.client !== client) return 'deaf';
      const clear = rows[0]?.clear ?? null;
      if (clear !== null) this.idleOn = client;
      return clear === true ? 'clear' : 'adding';
    } catch (err) {
      this.lost(client, err instanceof Error ? err : new Error(String(err)));
      return 'deaf';
    }
  }

  /** The consumer has work again: adds stop notifying (unless another consumer is idle). */
  busy(): void {
    const client = this.idleOn;
    if (!client || client !== this.client) return;
    this.idleOn = undefined;
    // A lock that could not be given back is dropped with its session.
    void clientQuery(client, this.pool, { text: this.sql.busy }, this.timeoutMs, 'outbox busy').catch(
      (err: unknown) => this.lost(client, err instanceof Error ? err : new Error(String(err))),
    );
  }

  private async connect(): Promise<void> {
    if (!this.running || this.connecting || this.client) return;
    this.connecting = true;
    let client: PgPoolClient | undefined;
    try {
      client = await connectBounded(this.pool, this.timeoutMs, 'outbox listener connect');
      if (!this.running) {
        client.release();
        return;
      }
      client.on('error', (err) => this.lost(client, err));
      client.on('end', () => this.lost(client, new Error('connection ended')));
      client.on('notification', () => this.onWake());
      await clientQuery(client, this.pool, { text: this.sql.listen }, this.timeoutMs, 'outbox listen');
      if (!this.running) return this.destroy(client);
      this.client = client;
      // Events may have arrived while nobody listened.
      this.onWake();
    } catch (err) {
      if (client) this.destroy(client);
      this.logger.debug({ err: toSafeError(err) }, 'outbox listener could not connect; polling meanwhile');
      this.scheduleRetry();
    } finally {
      this.connecting = false;
    }
  }

  private lost(client: PgPoolClient | undefined, err: Error): void {
    if (!client || this.client !== client) return;
    this.logger.debug({ err: toSafeError(err) }, 'outbox listener connection lost; polling meanwhile');
    this.drop();
    this.scheduleRetry();
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    this.idleOn = undefined;
    if (client) this.destroy(client);
  }

  /** A listening session is never handed back to the pool: it would keep its LISTEN. */
  private destroy(client: PgPoolClient): void {
    client.removeAllListeners('notification');
    client.removeAllListeners('end');
    abandon(this.pool, client, this.timeoutMs, false);
  }

  private scheduleRetry(): void {
    if (!this.running || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
  }
}
