import { RedisUnavailableError } from '../errors/RedisUnavailableError';
import { TimeoutError } from '../errors/TimeoutError';
import type { RedisClient } from './RedisLike';

/**
 * Runs Redis command(s) so that no caller of ours ever waits on ioredis's offline queue or on a hung
 * connection: a client that is not `ready` (connecting, reconnecting, closed) fails at once with
 * {@link RedisUnavailableError}; a ready one is bounded by `timeoutMs` ({@link TimeoutError}).
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
  const status = client.status;
  if (status !== 'ready') {
    if (status === 'wait') (client.connect() as Promise<unknown>).catch(() => undefined);
    return Promise.reject(new RedisUnavailableError(`Redis is not ready (${status}): ${what} not sent`));
  }
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
