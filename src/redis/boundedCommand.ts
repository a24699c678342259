import { RedisUnavailableError } from '../errors/RedisUnavailableError';
import { TimeoutError } from '../errors/TimeoutError';
import { readiness, waitForFirstReady } from './clientReadiness';
import type { RedisClient } from './RedisClient';

/**
 * Runs Redis command(s) so that no caller of ours ever waits on ioredis's offline queue or on a hung
 * connection. The whole call, wait included, is bounded by `timeoutMs`:
 * - a ready client sends at once; no answer in time → {@link TimeoutError} (the command was sent:
 *   whether it took effect is unknown);
 * - a client that was never ready (just created, first connect in progress) is waited for, and the
 *   command is sent when it becomes ready; still not ready in time → {@link RedisUnavailableError},
 *   nothing sent. So `new Redis(url)` followed at once by a call works;
 * - a client that was ready and lost its connection fails at once with {@link RedisUnavailableError}.
 *
 * A command already written to a frozen server stays in ioredis's reply queue until that connection
 * dies; set ioredis's own `commandTimeout` if you want those reclaimed sooner. We never await it.
 */
export function boundedCommand<T>(
  client: RedisClient,
  timeoutMs: number,
  what: string,
  run: (client: RedisClient) => Promise<T>,
): Promise<T> {
  const state = readiness(client);
  if (state === 'ready') return send(client, timeoutMs, what, run);
  if (state === 'down') return Promise.reject(notReady(client, what));
  const startedAt = Date.now();
  return waitForFirstReady(client, timeoutMs).then((ready) => {
    if (!ready || client.status !== 'ready') throw notReady(client, what, timeoutMs);
    return send(client, Math.max(1, timeoutMs - (Date.now() - startedAt)), what, run);
  });
}

function notReady(client: RedisClient, what: string, waitedMs?: number): RedisUnavailableError {
  const waited = waitedMs === undefined ? '' : ` after ${waitedMs} ms`;
  return new RedisUnavailableError(`Redis is not ready (${client.status})${waited}: ${what} not sent`);
}

function send<T>(
  client: RedisClient,
  timeoutMs: number,
  what: string,
  run: (client: RedisClient) => Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(`Redis ${what}`, timeoutMs)), timeoutMs);
    timer.unref();
    run(client).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        const why = err instanceof Error ? err.message : String(err);
        reject(new RedisUnavailableError(`Redis ${what} failed: ${why}`, err));
      },
    );
  });
}
