import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Cluster } from 'ioredis';
import { redisCheck } from '../../../checks/redisCheck';
import { RedisCache } from '../../../src/cache/RedisCache';
import type { Dependency } from '../../../src/dependencies/Dependency';
import { fallback, type Fallback } from '../../../src/fallback/fallback';
import { FeatureFlags } from '../../../src/flags/FeatureFlags';
import { RedisFlagStore } from '../../../src/flags/RedisFlagStore';
import { Outbox } from '../../../src/outbox/Outbox';
import { RedisCluster } from '../../support/RedisCluster';
import type { RedisServer } from '../../support/RedisServer';
import { waitFor } from '../../support/waitFor';

const run = promisify(execFile);
/** Our bound on a call: its own timeout plus a generous margin for a busy 2-core machine. */
export const MARGIN_MS = 1500;
export const CACHE_TIMEOUT_MS = 100;
export const SOURCE_TIMEOUT_MS = 300;
export const FLAGS_TIMEOUT_MS = 200;
export const OUTBOX_TIMEOUT_MS = 300;
export const CHECK_TIMEOUT_MS = 500;
/** A signal that never aborts, for calling checks directly. */
export const signal: AbortSignal = new AbortController().signal;

export type Product = { id: string; from: string };

/** Every Redis-backed component on one real 3-master cluster, all keys on the master that will fail. */
export interface ClusterComponents {
  cluster: RedisCluster;
  client: Cluster;
  /** The master that holds every component's keys. */
  victim: RedisServer;
  products: Fallback<Product, [string]>;
  /** Whether the products' source answers (it rejects with `db down` when false). */
  sourceUp: boolean;
  flags: FeatureFlags;
  outbox: Outbox<number>;
  outboxHealth: Dependency;
  check: Dependency;
  /** Ids of the events `outbox` handled, in order. */
  handled: string[];
}

/** A hash tag whose slot `node` serves. */
async function tagOn(cluster: RedisCluster, node: RedisServer, base: string): Promise<string> {
  for (let i = 0; ; i++) if ((await cluster.nodeFor(`{${base}${i}}`)) === node) return `{${base}${i}}`;
}

/** Whether every node reports `cluster_state:ok`. */
export async function clusterOk(cluster: RedisCluster): Promise<boolean> {
  const states = await Promise.all(
    cluster.nodes.map((n) =>
      run('redis-cli', ['-p', String(n.port), 'cluster', 'info']).then(
        (r) => r.stdout.includes('cluster_state:ok'),
        () => false,
      ),
    ),
  );
  return states.every(Boolean);
}

/** Calls `probe` every `everyMs` for `forMs`, collecting what it answered. */
export async function watch<T>(forMs: number, everyMs: number, probe: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  const end = Date.now() + forMs;
  while (Date.now() < end) {
    out.push(await probe());
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return out;
}

/**
 * Starts a cluster and the cache, flags, outbox and checks on it in `beforeAll`, stops them all in
 * `afterAll`. The returned object is filled in once `beforeAll` has run.
 */
export function useClusterComponents(): ClusterComponents {
  const c = { handled: [] as string[], sourceUp: true } as ClusterComponents;
  beforeAll(async () => {
    c.cluster = await RedisCluster.start();
    c.client = c.cluster.client();
    c.client.on('error', () => undefined);
    await waitFor(() => c.client.status === 'ready', {
      timeoutMs: 10_000,
      intervalMs: 25,
      what: 'cluster client ready',
      ignoreErrors: true,
    });
    c.victim = c.cluster.nodes[0]!;
    c.products = fallback({
      name: 'reliability-products',
      key: (id: string) => `product:${id}`,
      cache: new RedisCache(c.client, {
        prefix: `reliability:${await tagOn(c.cluster, c.victim, 'cache')}:`,
        commandTimeoutMs: CACHE_TIMEOUT_MS,
      }),
      ttlMs: 60_000,
      staleTtlMs: 600_000,
      sources: [
        (id: string) =>
          c.sourceUp ? Promise.resolve({ id, from: 'db' }) : Promise.reject(new Error('db down')),
      ],
      sourceTimeoutMs: SOURCE_TIMEOUT_MS,
      stub: (id: string) => ({ id, from: 'stub' }),
      registry: false,
    });
    c.flags = new FeatureFlags({
      store: new RedisFlagStore(c.client, {
        prefix: `reliability:${await tagOn(c.cluster, c.victim, 'flags')}`,
        commandTimeoutMs: FLAGS_TIMEOUT_MS,
      }),
      refreshMs: 200,
      registry: false,
    });
    await c.flags.start();
    c.outbox = new Outbox<number>({
      redis: c.client,
      stream: `reliability:${await tagOn(c.cluster, c.victim, 'outbox')}:stream`,
      commandTimeoutMs: OUTBOX_TIMEOUT_MS,
      blockMs: 200,
      registry: false,
      handler: async (e) => void c.handled.push(e.id),
    });
    await c.outbox.recoverPending();
    c.outbox.start();
    c.outboxHealth = c.outbox.healthCheck();
    c.check = redisCheck(c.client, { timeoutMs: CHECK_TIMEOUT_MS });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([c.flags?.stop(), c.outbox?.stop()]);
    c.client?.disconnect();
    await c.cluster?.stop();
  });
  return c;
}
