import type { Logger } from 'pino';
import { toSafeError } from '../redaction/redact';
import type { RedisClient } from '../redis/RedisClient';
import { ownConnection } from '../redis/ownConnection';
import { delay } from '../timing/delay';
import { parseFlag } from './Flag';
import type { FlagNotice, FlagUnsubscribe } from './FlagStore';

/**
 * The pub/sub side of `RedisFlagStore`: one subscriber connection (`client.duplicate()`, so it
 * reconnects by itself with the caller's settings), opened for the first listener and closed with
 * the last. Every time the subscription is (re)established it sends a `resync` notice, because
 * notices published while it was down are lost; listeners then reload.
 */
export class RedisFlagSubscriber {
  private connection: RedisClient | undefined;
  private subscribed = false;
  private interrupted = false;
  private readonly listeners = new Set<(notice: FlagNotice) => void>();
  private waiters: Array<() => void> = [];

  constructor(
    private readonly client: RedisClient,
    private readonly channel: string,
    private readonly waitMs: number,
    private readonly logger: Logger,
  ) {}

  /** Adds a listener; resolves once subscribed or after `waitMs` (it keeps trying); never rejects. */
  async add(listener: (notice: FlagNotice) => void): Promise<FlagUnsubscribe> {
    this.listeners.add(listener);
    if (!this.connection) this.open();
    await this.waitSubscribed();
    let removed = false;
    return () => {
      if (removed) return Promise.resolve();
      removed = true;
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.closeConnection();
      return Promise.resolve();
    };
  }

  /** Drops every listener and closes the subscriber connection. */
  close(): void {
    this.listeners.clear();
    this.closeConnection();
  }

  private open(): void {
    // We (re)subscribe ourselves on every 'ready'. ioredis's own auto-resubscribe would fail inside
    // ioredis, as an unhandled rejection, on a client configured with enableOfflineQueue: false.
    const conn = ownConnection(this.client, { autoResubscribe: false });
    this.connection = conn;
    conn.on('error', this.onError);
    conn.on('close', this.onClose);
    conn.on('ready', this.onReady);
    conn.on('message', this.onMessage);
    if (conn.status === 'wait') (conn.connect() as Promise<unknown>).catch(() => undefined);
    else if (conn.status === 'ready') this.onReady();
  }

  private readonly onReady = (): void => {
    const conn = this.connection;
    if (!conn) return;
    // ioredis re-subscribes by itself too; a second SUBSCRIBE is harmless and tells us when it holds.
    conn.subscribe(this.channel).then(
      () => {
        if (conn !== this.connection) return;
        this.subscribed = true;
        if (this.interrupted) this.logger.info({ channel: this.channel }, 'flag change notices resumed');
        this.interrupted = false;
        this.releaseWaiters();
        this.notify({ type: 'resync' });
      },
      (err: unknown) => this.logger.debug({ err: toSafeError(err) }, 'flag notice subscription failed'),
    );
  };

  private readonly onClose = (): void => {
    if (!this.subscribed) return;
    this.subscribed = false;
    this.interrupted = true;
    this.logger.warn(
      { channel: this.channel },
      'flag change notices interrupted (Redis connection lost); polling continues',
    );
  };

  private readonly onError = (err: unknown): void => {
    this.logger.debug({ err: toSafeError(err) }, 'flag subscriber connection error');
  };

  private readonly onMessage = (channel: string, message: string): void => {
    if (channel !== this.channel) return;
    const flag = parseFlag(message);
    if (!flag) {
      this.logger.warn({ channel }, 'ignored a malformed flag change notice');
      return;
    }
    this.notify({ type: 'changed', flag });
  };

  private notify(notice: FlagNotice): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(notice);
      } catch (err) {
        this.logger.error({ err: toSafeError(err) }, 'flag notice listener threw');
      }
    }
  }

  private async waitSubscribed(): Promise<void> {
    if (this.subscribed || !this.connection) return;
    const ac = new AbortController();
    let waiter!: () => void;
    const subscribed = new Promise<void>((resolve) => this.waiters.push((waiter = resolve)));
    await Promise.race([subscribed, delay(this.waitMs, ac.signal).catch(() => undefined)]);
    ac.abort();
    this.waiters = this.waiters.filter((w) => w !== waiter);
  }

  private releaseWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private closeConnection(): void {
    const conn = this.connection;
    this.connection = undefined;
    this.subscribed = false;
    this.interrupted = false;
    this.releaseWaiters();
    if (!conn) return;
    conn.removeListener('close', this.onClose);
    conn.removeListener('ready', this.onReady);
    conn.removeListener('message', this.onMessage);
    // Keep the error listener: a late socket error must not become an unhandled 'error' event.
    conn.disconnect();
  }
}
