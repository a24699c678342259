import Redis, { type RedisOptions } from 'ioredis';
import { waitFor } from '../../support/waitFor';

/** Options for test clients that never block on ioredis's offline queue. */
export const NON_BLOCKING: RedisOptions = {
  maxRetriesPerRequest: 1,
  enableOfflineQueue: false,
  retryStrategy: () => 100,
};

/** Tracks ioredis clients so every test file can disconnect them all. */
export class Clients {
  private readonly all: Redis[] = [];

  create(url: string, options: RedisOptions = NON_BLOCKING): Redis {
    const client = new Redis(url, options);
    client.on('error', () => undefined);
    this.all.push(client);
    return client;
  }

  /** A client with ioredis's default options (offline queue on, 20 retries per request). */
  createDefault(url: string): Redis {
    const client = new Redis(url);
    client.on('error', () => undefined);
    this.all.push(client);
    return client;
  }

  /** Every client created so far and not yet disconnected. */
  list(): Redis[] {
    return [...this.all];
  }

  disconnectAll(): void {
    for (const c of this.all.splice(0)) c.disconnect();
  }
}

/** Resolves once `client` reports `ready`. */
export function waitReady(client: Redis, timeoutMs = 10_000): Promise<number> {
  return waitFor(() => client.status === 'ready', { timeoutMs, intervalMs: 5, what: 'Redis client ready' });
}

/** Collects `unhandledRejection`s while a test runs. */
export function trackUnhandled(): { reasons: unknown[]; dispose(): void } {
  const reasons: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void reasons.push(reason);
  process.on('unhandledRejection', onUnhandled);
  return { reasons, dispose: () => void process.off('unhandledRejection', onUnhandled) };
}
