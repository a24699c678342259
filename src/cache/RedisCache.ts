import { ConfigError } from '../errors/ConfigError';
import { boundedCommand } from '../redis/boundedCommand';
import { trackClient } from '../redis/clientReadiness';
import { isRedisClient, type RedisClient } from '../redis/RedisClient';
import { assertOptions, assertString, optionalNumber } from '../validation/assert';
import type { CacheEntry, CacheTier } from './CacheTier';
import { FleetLease } from './FleetLease';
import { deserializeEntry, serializeEntry } from './jsonEntry';
import { MgetBatcher } from './MgetBatcher';

/** Options of {@link RedisCache}. */
export interface RedisCacheOptions {
  /**
   * Start of every key. Unless it already holds a `{hash tag}`, its last segment becomes one, so
   * `'statuskit:cache:'` stores `user:1` at `statuskit:{cache}:user:1` and every key of this cache
   * lives in one Redis Cluster slot.
   * @default 'statuskit:cache:'
   */
  prefix?: string;
  /**
   * Bound on every Redis command, in milliseconds. A command that has not answered by then (Redis
   * frozen, a hung connection) rejects, which a fallback treats as a miss.
   * @default 100
   */
  commandTimeoutMs?: number;
}

/** Defaults of {@link RedisCacheOptions}. */
export const REDIS_CACHE_DEFAULTS = {
  prefix: 'statuskit:cache:',
  commandTimeoutMs: 100,
} as const;

/**
 * A {@link CacheTier} on Redis (an ioredis `Redis` or `Cluster` you created), shared by every
 * instance of the service. Entries are JSON (`{ v, s, t }`: value, stored-at, ttl), kept by Redis for
 * the `ttlMs` passed to `set` (a fallback passes `ttlMs + staleTtlMs`, so stale entries survive).
 *
 * Every command goes through `boundedCommand`: nothing waits on ioredis's offline queue, a
 * client still making its first connection is waited for within `commandTimeoutMs`, one that was
 * ready and lost its connection rejects at once, and a frozen server rejects after `commandTimeoutMs`.
 *
 * @example
 * const cache = new RedisCache(new Redis(process.env.REDIS_URL), { commandTimeoutMs: 50 });
 */
export class RedisCache implements CacheTier {
  /** The resolved key prefix, hash tag included, e.g. `'statuskit:{cache}:'`. */
  readonly prefix: string;
  /** The resolved `commandTimeoutMs`. */
  readonly commandTimeoutMs: number;
  private readonly redis: RedisClient;
  private readonly batcher: MgetBatcher;
  private lease: FleetLease | undefined;

  constructor(redis: RedisClient, opts?: RedisCacheOptions) {
    if (!isRedisClient(redis)) throw new ConfigError('redis', redis, 'an ioredis Redis or Cluster client');
    const o = assertOptions<RedisCacheOptions>('RedisCache options', opts);
    this.redis = redis;
    trackClient(redis);
    this.prefix = withHashTag(o.prefix === undefined ? REDIS_CACHE_DEFAULTS.prefix : o.prefix);
    this.commandTimeoutMs = optionalNumber(
      'commandTimeoutMs',
      o.commandTimeoutMs,
      REDIS_CACHE_DEFAULTS.commandTimeoutMs,
      { min: 1 },
    );
    this.batcher = new MgetBatcher(redis, this.commandTimeoutMs);
  }

  /** The Redis key that holds `key`. */
  redisKey(key: string): string {
    return this.prefix + key;
  }

  /**
   * The entry under `key`, `undefined` on a miss; rejects when Redis is unavailable or slow.
   * Lookups made in the same tick travel as one bounded MGET (see `MgetBatcher`).
   */
  get(key: string): Promise<CacheEntry | undefined> {
    return this.batcher
      .get(this.prefix + key)
      .then((text) => (text === null ? undefined : deserializeEntry(key, text)));
  }

  /**
   * Stores `entry` for `ttlMs` milliseconds (`Infinity`: no expiry; not a positive number: deletes).
   * Rejects with {@link UnserializableValueError} before any I/O when the value cannot round-trip.
   */
  async set(key: string, entry: CacheEntry, ttlMs: number): Promise<void> {
    if (!(ttlMs > 0)) return this.delete(key);
    const text = serializeEntry(key, entry);
    const redisKey = this.prefix + key;
    await boundedCommand(this.redis, this.commandTimeoutMs, 'cache SET', (c) =>
      Number.isFinite(ttlMs) ? c.set(redisKey, text, 'PX', Math.ceil(ttlMs)) : c.set(redisKey, text),
    );
  }

  /**
   * The per-key leases a `fallback({ singleFlight: 'fleet' })` coordinates the fleet through: same
   * client, same `commandTimeoutMs`, keys beside the entries (`<prefix>~lease:<key>`, same slot).
   */
  fleetLease(): FleetLease {
    this.lease ??= new FleetLease(this.redis, this.prefix, this.commandTimeoutMs);
    return this.lease;
  }

  /** Removes the entry under `key`; rejects when Redis is unavailable or slow. */
  async delete(key: string): Promise<void> {
    await boundedCommand(this.redis, this.commandTimeoutMs, 'cache DEL', (c) => c.del(this.prefix + key));
  }
}

/**
 * `prefix` with a Redis Cluster hash tag: unchanged when it already has one, else its last segment
 * wrapped in braces (`'statuskit:cache:'` → `'statuskit:{cache}:'`, `'shop'` → `'{shop}'`).
 */
export function withHashTag(prefix: string): string {
  assertString('prefix', prefix, /[^:{}]/, 'a string with a name in it, e.g. "statuskit:cache:"');
  const open = prefix.indexOf('{');
  if (open >= 0) {
    const close = prefix.indexOf('}', open + 1);
    if (close > open + 1) return prefix;
    throw new ConfigError('prefix', prefix, 'a prefix whose first "{" opens a non-empty {hash tag}');
  }
  const m = /^(.*?)([^:]+)(:*)$/.exec(prefix);
  if (!m) throw new ConfigError('prefix', prefix, 'a prefix ending in a name, e.g. "statuskit:cache:"');
  return `${m[1]}{${m[2]}}${m[3]}`;
}
