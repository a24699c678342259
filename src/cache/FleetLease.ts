import { boundedCommand } from '../redis/boundedCommand';
import type { RedisClient } from '../redis/RedisClient';

/**
 * Deletes the lease only when it still holds the caller's token: a holder whose lease expired (it
 * was slower than the lease) must not delete the lease a successor took since.
 */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Per-key Redis leases next to a {@link RedisCache}'s entries, so one instance of a fleet calls the
 * sources for a key while the others wait for the entry it writes. A lease is
 * `SET <prefix>~lease:<key> <token> NX PX <ms>`: it expires by itself, so a holder that died never
 * blocks the key for longer than the lease; only its holder deletes it (a compare-and-delete script).
 *
 * The lease key carries the cache's hash tag, so on Redis Cluster it lives in the entries' slot.
 * Every command is bounded like the cache's own (`commandTimeoutMs`, never the offline queue).
 * Get one with {@link RedisCache.fleetLease}.
 */
export class FleetLease {
  /** Leases under `prefix` (a resolved `RedisCache.prefix`, hash tag included) on `redis`. */
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** Bound on each lease command, in milliseconds (the cache's `commandTimeoutMs`). */
    readonly commandTimeoutMs: number,
  ) {}

  /** The Redis key of the lease on the cache key `key`. */
  redisKey(key: string): string {
    return `${this.prefix}~lease:${key}`;
  }

  /** Takes the lease on `key` for `ttlMs` with `token`; `false` when someone else holds it. */
  async acquire(key: string, token: string, ttlMs: number): Promise<boolean> {
    const reply = await boundedCommand(this.redis, this.commandTimeoutMs, 'lease SET NX', (c) =>
      c.set(this.redisKey(key), token, 'PX', Math.ceil(ttlMs), 'NX'),
    );
    return reply === 'OK';
  }

  /** Whether anyone holds the lease on `key` now. */
  async held(key: string): Promise<boolean> {
    const n = await boundedCommand(this.redis, this.commandTimeoutMs, 'lease EXISTS', (c) =>
      c.exists(this.redisKey(key)),
    );
    return n > 0;
  }

  /** Gives the lease on `key` back if `token` still holds it; resolves `true` when it did. */
  async release(key: string, token: string): Promise<boolean> {
    const n = await boundedCommand(this.redis, this.commandTimeoutMs, 'lease release', (c) =>
      c.eval(RELEASE, 1, this.redisKey(key), token),
    );
    return n === 1;
  }
}
