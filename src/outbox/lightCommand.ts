import { RedisUnavailableError } from '../errors/RedisUnavailableError';
import { TimeoutError } from '../errors/TimeoutError';
import type { RedisClient } from '../redis/RedisLike';

/**
 * `boundedCommand`'s contract (fail at once when the client is not ready, never wait on ioredis's
 * offline queue, bounded by `timeoutMs`) for the hot path: one unref'd timer and no AbortController
 * per call, since the command cannot be cancelled anyway.
 */
export function lightCommand<T>(
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
