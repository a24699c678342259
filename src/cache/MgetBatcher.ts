import { boundedCommand } from '../redis/boundedCommand';
import type { RedisClient } from '../redis/RedisClient';

interface Waiter {
  resolve: (text: string | null) => void;
  reject: (err: unknown) => void;
}

/** Most keys sent in one MGET; a larger burst is split. */
export const MAX_BATCH = 256;

/**
 * Collects the GETs issued while the current tick runs and sends them as one bounded MGET once it
 * ends (`process.nextTick`, like ioredis's auto-pipelining, so no latency is added). Every key of a
 * {@link RedisCache} shares one hash tag, so the MGET is valid on Redis Cluster too.
 *
 * Why: with N lookups in flight, one command, one timer and one reply replace N of each — the
 * per-command bound (timer, abort signal, promises) costs about as much as the round trip itself.
 */
export class MgetBatcher {
  private pending: Map<string, Waiter[]> | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly timeoutMs: number,
  ) {}

  /** The raw value stored at `redisKey`, or `null`; rejects with the batch's error. */
  get(redisKey: string): Promise<string | null> {
    return new Promise<string | null>((resolve, reject) => {
      let batch = this.pending;
      if (batch === undefined) {
        batch = this.pending = new Map();
        process.nextTick(this.flushPending);
      }
      const waiters = batch.get(redisKey);
      if (waiters === undefined) batch.set(redisKey, [{ resolve, reject }]);
      else waiters.push({ resolve, reject });
      if (batch.size >= MAX_BATCH) this.flushPending();
    });
  }

  private readonly flushPending = (): void => {
    const batch = this.pending;
    if (batch === undefined) return;
    this.pending = undefined;
    const keys = [...batch.keys()];
    boundedCommand(this.redis, this.timeoutMs, keys.length === 1 ? 'cache GET' : 'cache MGET', (c) =>
      keys.length === 1 ? c.get(keys[0]).then((v) => [v]) : c.mget(keys),
    ).then(
      (values) => {
        for (let i = 0; i < keys.length; i++) {
          for (const w of batch.get(keys[i])!) w.resolve(values[i] ?? null);
        }
      },
      (err: unknown) => {
        for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
      },
    );
  };
}
