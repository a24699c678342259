import type Redis from 'ioredis';
import { readyClient } from './redisClient';
import { RedisServer, type RedisServerOptions } from './RedisServer';

/** Options for {@link useRedisServer}: the server's, plus whether to open a client. */
export interface UseRedisServerOptions extends RedisServerOptions {
  /** Open a ready {@link readyClient} on the server in `beforeAll`. @default true */
  client?: boolean;
}

/** What {@link useRedisServer} hands a suite; both accessors throw before `beforeAll` has run. */
export interface RedisSuite {
  /** The suite's own `redis-server`. */
  server: () => RedisServer;
  /** A client that never waits on the offline queue, connected to {@link RedisSuite.server}. */
  redis: () => Redis;
}

/**
 * Registers `beforeAll` / `afterAll` hooks in the calling scope: one real `redis-server` (and a
 * ready client) for the whole suite, killed by its own process id afterwards so nothing is left
 * running and jest exits cleanly.
 */
export function useRedisServer(options: UseRedisServerOptions = {}): RedisSuite {
  const { client = true, ...serverOptions } = options;
  let server: RedisServer | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    server = await RedisServer.start(serverOptions);
    if (client) redis = await readyClient(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });
  return {
    server: () => {
      if (!server) throw new Error('useRedisServer: the server is only there from beforeAll on');
      return server;
    },
    redis: () => {
      if (!redis) throw new Error('useRedisServer: no client (from beforeAll on, unless client: false)');
      return redis;
    },
  };
}
