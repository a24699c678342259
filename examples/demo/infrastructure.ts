import Redis from 'ioredis';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import {
  FeatureFlags,
  MemoryCache,
  MemoryFlagStore,
  RedisCache,
  RedisFlagStore,
  type CacheTier,
  type FlagStore,
} from 'statuskit';

/** The shared pieces every part of the demo uses: metrics registry, cache tier, flags, Redis. */
export interface Infrastructure {
  registry: Registry;
  cache: CacheTier;
  flags: FeatureFlags;
  redis: Redis | undefined;
  close(): Promise<void>;
}

/** Flags the demo reads; operators flip them through the flags admin API. */
export const DEMO_FLAG_DEFAULTS = {
  'partner-api.enabled': true,
  'payment-api.enabled': true,
  'recommendations.enabled': true,
};

/**
 * Redis for the cache tier, the flag store and the outbox when `redisUrl` is set; otherwise the
 * embedded in-memory cache and flag store (and no outbox).
 */
export function createInfrastructure(redisUrl: string | undefined, logger: Logger): Infrastructure {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Fail fast instead of queueing: statuskit never waits on ioredis's offline queue anyway, and a
  // shop request should not either.
  const redis = redisUrl
    ? new Redis(redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000 })
    : undefined;
  redis?.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis connection error'));
  const cache: CacheTier = redis
    ? new RedisCache(redis, { commandTimeoutMs: 100 })
    : new MemoryCache({ maxEntries: 1000 });
  const store: FlagStore = redis ? new RedisFlagStore(redis) : new MemoryFlagStore();
  const flags = new FeatureFlags({ store, defaults: DEMO_FLAG_DEFAULTS, refreshMs: 5000, logger, registry });
  return {
    registry,
    cache,
    flags,
    redis,
    async close() {
      await flags.stop();
      redis?.disconnect();
    },
  };
}
