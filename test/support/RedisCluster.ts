import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { RedisServer } from './RedisServer';

const run = promisify(execFile);

/**
 * A real 3-master Redis Cluster on loopback (`redis-server --cluster-enabled yes` ×3 joined with
 * `redis-cli --cluster create … --cluster-replicas 0`), for the suites that must also pass on Cluster.
 *
 * @example
 * const cluster = await RedisCluster.start();
 * const client = cluster.client();
 * …
 * client.disconnect(); await cluster.stop();
 */
export class RedisCluster {
  private constructor(readonly nodes: RedisServer[]) {}

  static async start(masters = 3): Promise<RedisCluster> {
    const nodes: RedisServer[] = [];
    try {
      for (let i = 0; i < masters; i++) {
        nodes.push(
          await RedisServer.start({
            args: [
              '--cluster-enabled',
              'yes',
              '--cluster-config-file',
              'nodes.conf',
              '--cluster-node-timeout',
              '2000',
            ],
          }),
        );
      }
      const addrs = nodes.map((n) => `127.0.0.1:${n.port}`);
      await run('redis-cli', ['--cluster', 'create', ...addrs, '--cluster-replicas', '0', '--cluster-yes'], {
        timeout: 30_000,
      });
      const cluster = new RedisCluster(nodes);
      await cluster.waitUntilOk(15_000);
      return cluster;
    } catch (err) {
      await Promise.all(nodes.map((n) => n.stop()));
      throw err;
    }
  }

  /** Seed addresses for `new Cluster(startupNodes)`. */
  get startupNodes(): { host: string; port: number }[] {
    return this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port }));
  }

  /** A new ioredis Cluster client that never blocks on its offline queue in tests. */
  client(options: ConstructorParameters<typeof Cluster>[1] = {}): Cluster {
    return new Cluster(this.startupNodes, {
      enableOfflineQueue: true,
      redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 1000 },
      clusterRetryStrategy: () => 200,
      ...options,
    });
  }

  /** The node that serves `key`'s hash slot. */
  async nodeFor(key: string): Promise<RedisServer> {
    const { stdout } = await run('redis-cli', ['-p', String(this.nodes[0].port), 'cluster', 'keyslot', key]);
    const slot = Number(stdout.trim());
    const { stdout: slots } = await run('redis-cli', [
      '-p',
      String(this.nodes[0].port),
      '--json',
      'cluster',
      'slots',
    ]);
    const ranges = JSON.parse(slots) as [number, number, [string, number, string]][];
    const range = ranges.find(([lo, hi]) => slot >= lo && slot <= hi);
    const port = range?.[2][1];
    const node = this.nodes.find((n) => n.port === port);
    if (!node) throw new Error(`no node serves slot ${slot}`);
    return node;
  }

  private async waitUntilOk(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(
        this.nodes.map((n) =>
          run('redis-cli', ['-p', String(n.port), 'cluster', 'info']).then(
            (r) => r.stdout.includes('cluster_state:ok'),
            () => false,
          ),
        ),
      );
      if (states.every(Boolean)) return;
      if (Date.now() > deadline) throw new Error('Redis Cluster did not reach cluster_state:ok');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}
