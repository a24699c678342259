import type { Cluster, Redis } from 'ioredis';

/** An ioredis client the user created: a single `Redis` or a `Cluster`. */
export type RedisClient = Redis | Cluster;

/** Throws unless `value` looks like an ioredis `Redis` or `Cluster`. */
export function isRedisClient(value: unknown): value is RedisClient {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { status?: unknown }).status === 'string' &&
    typeof (value as { multi?: unknown }).multi === 'function' &&
    typeof (value as { duplicate?: unknown }).duplicate === 'function'
  );
}
