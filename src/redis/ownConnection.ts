import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './RedisClient';

/**
 * Opens a connection of our own on the user's client (`duplicate()`, so it keeps the user's
 * settings) that a `disconnect()` closes at once, leaving no timer behind.
 *
 * ioredis's `disconnect()` ends the socket gracefully and arms a ref'd `disconnectTimeout` timer
 * (2 s by default) that only the socket's `close` event clears. When Redis is down the socket has
 * already closed, `close` never comes again, and the timer keeps the process alive for its full
 * length after our `stop()`. These connections carry nothing that needs a graceful end (a
 * subscription, blocking reads we abandon), so a zero timeout costs nothing.
 *
 * @param client - The user's `Redis` or `Cluster`.
 * @param override - Extra options for a single `Redis` duplicate (a `Cluster` keeps its own).
 */
export function ownConnection(client: RedisClient, override: Partial<Redis['options']> = {}): RedisClient {
  if (client.isCluster) {
    const cluster = client as Cluster;
    return cluster.duplicate([], {
      redisOptions: { ...cluster.options.redisOptions, disconnectTimeout: 0 },
    });
  }
  return (client as Redis).duplicate({ ...override, disconnectTimeout: 0 });
}
