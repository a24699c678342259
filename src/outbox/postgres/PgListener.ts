import type { Logger } from 'pino';
import { toSafeError } from '../../redaction/redact';
import { abandon, clientQuery, connectBounded } from './boundedQuery';
import type { PgPool, PgPoolClient } from './PgLike';

/**
 * Holds one client of the pool in `LISTEN` on the outbox's channel and calls `onWake` for each
 * notification. When that connection drops (or cannot be made), it retries every `retryMs`;
 * polling covers the gap. Internal.
 */
export class PgListener {
  private client: PgPoolClient | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private running = false;
  private connecting = false;

  constructor(
    private readonly pool: PgPool,
    private readonly listenSql: string,
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
      await clientQuery(client, this.pool, { text: this.listenSql }, this.timeoutMs, 'outbox listen');
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
