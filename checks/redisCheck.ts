import { withTimeout } from '../src/timing/withTimeout';
import type { Cluster, Redis } from 'ioredis';
import type {
  CheckContext,
  CheckOutcome,
  Dependency,
  DependencyOptions,
} from '../src/dependencies/Dependency';
import { ConfigError } from '../src/errors/ConfigError';
import { isRedisClient, type RedisClient } from '../src/redis/RedisClient';
import { describeRedisState } from './redis/describeRedisState';
import { readiness, trackClient, waitForFirstReady } from '../src/redis/clientReadiness';
import { RedisPinger, type PingResult } from './redis/RedisPinger';
import { resolveCheckBase, toDependency } from './shared/resolveCheckBase';

/** Options of {@link redisCheck}: every `Dependency` field. */
export interface RedisCheckOptions extends DependencyOptions {
  /** @default 'redis' */
  id?: string;
  /** @default 'redis' */
  type?: string;
}

/** Defaults of {@link RedisCheckOptions} beyond the `Dependency` ones. */
export const REDIS_CHECK_DEFAULTS = Object.freeze({ id: 'redis', type: 'redis' });

/**
 * A dependency that PINGs Redis through your ioredis client.
 *
 * It never waits on ioredis's offline queue. A client that was never ready (its first connect in
 * progress, e.g. the check runs right after `new Redis(url)`) is waited for up to half its timeout;
 * once it has been ready, a client reconnecting or closed answers OUTAGE at once with what is
 * happening (e.g. `'Redis is reconnecting: connection refused (…)'`); a frozen or overloaded server is bounded by `timeoutMs` (default
 * 2000) and the run's `AbortSignal`. When Redis is back the same client and check report OK again.
 * `observedValue` is the PING round trip in ms. Messages never contain the password.
 *
 * With a `Cluster` it PINGs every master in parallel: all answer → OK; some don't → MAJOR (the
 * keys in their slots are unavailable), naming them; none does, or the cluster client itself is
 * not ready → OUTAGE.
 *
 * @example
 * manager.register(redisCheck(redis, { urgency: 'STRONG', timeoutMs: 500 }));
 */
export function redisCheck(client: RedisClient, opts: RedisCheckOptions = {}): Dependency {
  if (!isRedisClient(client)) throw new ConfigError('client', client, 'an ioredis Redis or Cluster');
  const isCluster = (client as { isCluster?: boolean }).isCluster === true;
  const base = resolveCheckBase(opts, {
    ...REDIS_CHECK_DEFAULTS,
    description: isCluster ? 'Redis Cluster' : `Redis at ${nodeName(client as Redis)}`,
  });
  trackClient(client);
  const pinger = new RedisPinger(base.timeoutMs);
  const check = isCluster
    ? ({ signal }: CheckContext) => checkCluster(client as Cluster, pinger, signal)
    : ({ signal }: CheckContext) => checkStandalone(client as Redis, pinger, signal);
  return toDependency(base, check);
}

async function checkStandalone(
  client: Redis,
  pinger: RedisPinger,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  const result = await pinger.ping(client, signal);
  if (!result.ok) return { status: 'OUTAGE', message: `Redis ${result.reason}` };
  return { status: 'OK', message: `PONG in ${result.latencyMs} ms`, ...latency(result.latencyMs) };
}

async function checkCluster(
  cluster: Cluster,
  pinger: RedisPinger,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  if (cluster.status !== 'ready' && readiness(cluster) === 'starting') {
    await waitForFirstReady(cluster, Math.max(1, Math.floor(pinger.timeoutMs / 2)), signal);
  }
  if (cluster.status !== 'ready') {
    return { status: 'OUTAGE', message: `Redis Cluster is ${describeRedisState(cluster)}; PING not sent` };
  }
  const masters = cluster.nodes('master');
  if (masters.length === 0) return { status: 'OUTAGE', message: 'Redis Cluster knows no master node' };
  const results = await Promise.all(masters.map((node) => pinger.ping(node, signal)));
  const failed: string[] = [];
  let slowest = 0;
  results.forEach((r: PingResult, i) => {
    if (r.ok) slowest = Math.max(slowest, r.latencyMs);
    else failed.push(`${nodeName(masters[i])} ${r.reason}`);
  });
  // ioredis forgets a master whose connection closed, so "every known master answered" is not
  // enough: ask a live master which masters serve slots, and whether the cluster is still up.
  const answered = new Set(masters.filter((_, i) => results[i].ok).map(nodeName));
  const alive = masters.find((_, i) => results[i].ok);
  const topology = alive ? await clusterTopology(alive, pinger.timeoutMs, signal) : undefined;
  for (const address of topology?.slotMasters ?? []) {
    if (!answered.has(address) && !failed.some((f) => f.startsWith(`${address} `))) {
      failed.push(`${address} serves slots but is unreachable`);
    }
  }
  const n = Math.max(masters.length, answered.size + failed.length);
  if (topology?.state === 'fail') {
    return {
      status: 'OUTAGE',
      message: `Redis Cluster state is fail (slots not served); ${n - failed.length}/${n} masters answered PONG; ${failed.join('; ')}`,
    };
  }
  if (failed.length === 0) {
    return {
      status: 'OK',
      message: `${n}/${n} masters answered PONG, slowest in ${slowest} ms`,
      ...latency(slowest),
    };
  }
  const status = failed.length === n ? 'OUTAGE' : 'MAJOR';
  return { status, message: `${n - failed.length}/${n} masters answered PONG; ${failed.join('; ')}` };
}

/** The cluster's own view: `cluster_state` and the `host:port` of every master serving slots. */
async function clusterTopology(
  node: Redis,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ state: string | undefined; slotMasters: string[] } | undefined> {
  try {
    const [info, slots] = await withTimeout(
      () => Promise.all([node.cluster('INFO'), node.cluster('SLOTS') as Promise<unknown[][]>]),
      timeoutMs,
      'CLUSTER INFO/SLOTS',
      signal,
    );
    const masters = new Set<string>();
    for (const range of slots) {
      const master = range[2] as [string, number] | undefined;
      if (master) masters.add(`${master[0]}:${master[1]}`);
    }
    return { state: /cluster_state:(\w+)/.exec(info)?.[1], slotMasters: [...masters] };
  } catch {
    return undefined;
  }
}

function latency(ms: number): Pick<CheckOutcome, 'observedValue' | 'observedUnit'> {
  return { observedValue: ms, observedUnit: 'ms' };
}

/** `host:port` (or the socket path) of a connection: never its password. */
function nodeName(node: Redis): string {
  const { host, port, path } = node.options;
  return path ? String(path) : `${host ?? 'localhost'}:${port ?? 6379}`;
}
