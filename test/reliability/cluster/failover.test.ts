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
import { scaled } from '../support/budget';
import { timed } from '../support/timing';
import { waitFor } from '../../support/waitFor';

const run = promisify(execFile);
/** Our bound on a call: its own timeout plus a generous margin for a busy 2-core machine. */
const MARGIN_MS = 1500;
/**
 * How long the components are watched with the master down: past `cluster-node-timeout` (2 s), when
 * the surviving masters declare the cluster down and refuse every key, not only the dead one's.
 */
const WATCH_MS = scaled(3500, 30_000);
const CACHE_TIMEOUT_MS = 100;
const SOURCE_TIMEOUT_MS = 300;
const FLAGS_TIMEOUT_MS = 200;
const OUTBOX_TIMEOUT_MS = 300;
const CHECK_TIMEOUT_MS = 500;

type Product = { id: string; from: string };

/** What each component did while the master was down. */
interface Observed {
  fallback: { source: string; from: string; ms: number; sourceUp: boolean }[];
  check: { status: string | undefined; message: string | undefined; ms: number }[];
  flags: { enabled: boolean; rejected: boolean; ms: number }[];
  flagsStale: boolean;
  outboxAdds: { ms: number; message: string }[];
  outboxHealth: { status: string | undefined; ms: number }[];
}

let cluster: RedisCluster;
let client: Cluster;
let victim: RedisServer;
let products: Fallback<Product, [string]>;
let sourceUp = true;
let flags: FeatureFlags;
let outbox: Outbox<number>;
let outboxHealth: Dependency;
let check: Dependency;
const handled: string[] = [];
const signal = new AbortController().signal;
let observed: Observed | undefined;

/** A hash tag whose slot `node` serves: every component's keys are put on the master that will die. */
async function tagOn(node: RedisServer, base: string): Promise<string> {
  for (let i = 0; ; i++) if ((await cluster.nodeFor(`{${base}${i}}`)) === node) return `{${base}${i}}`;
}

async function clusterOk(): Promise<boolean> {
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
async function watch<T>(forMs: number, everyMs: number, probe: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  const end = Date.now() + forMs;
  while (Date.now() < end) {
    out.push(await probe());
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return out;
}

beforeAll(async () => {
  cluster = await RedisCluster.start();
  client = cluster.client();
  client.on('error', () => undefined);
  await waitFor(() => client.status === 'ready', {
    timeoutMs: 10_000,
    intervalMs: 25,
    what: 'cluster client ready',
    ignoreErrors: true,
  });
  victim = cluster.nodes[0]!;
  products = fallback({
    name: 'reliability-products',
    key: (id: string) => `product:${id}`,
    cache: new RedisCache(client, {
      prefix: `reliability:${await tagOn(victim, 'cache')}:`,
      commandTimeoutMs: CACHE_TIMEOUT_MS,
    }),
    ttlMs: 60_000,
    staleTtlMs: 600_000,
    sources: [
      (id: string) => (sourceUp ? Promise.resolve({ id, from: 'db' }) : Promise.reject(new Error('db down'))),
    ],
    sourceTimeoutMs: SOURCE_TIMEOUT_MS,
    stub: (id: string) => ({ id, from: 'stub' }),
    registry: false,
  });
  flags = new FeatureFlags({
    store: new RedisFlagStore(client, {
      prefix: `reliability:${await tagOn(victim, 'flags')}`,
      commandTimeoutMs: FLAGS_TIMEOUT_MS,
    }),
    refreshMs: 200,
    registry: false,
  });
  await flags.start();
  outbox = new Outbox<number>({
    redis: client,
    stream: `reliability:${await tagOn(victim, 'outbox')}:stream`,
    commandTimeoutMs: OUTBOX_TIMEOUT_MS,
    blockMs: 200,
    registry: false,
    handler: async (e) => void handled.push(e.id),
  });
  await outbox.recoverPending();
  outbox.start();
  outboxHealth = outbox.healthCheck();
  check = redisCheck(client, { timeoutMs: CHECK_TIMEOUT_MS });
}, 60_000);

afterAll(async () => {
  await Promise.all([flags?.stop(), outbox?.stop()]);
  client?.disconnect();
  await cluster?.stop();
});

describe('key behaviours on a real 3-master Redis Cluster, default key layouts', () => {
  it('RedisCache: fifty concurrent lookups batch into MGETs on one slot, stale answers while the source is down', async () => {
    const cache = new RedisCache(client);
    let up = true;
    const fb = fallback({
      name: 'reliability-cluster',
      key: (id: string) => `item:${id}`,
      cache,
      ttlMs: 1,
      staleTtlMs: 60_000,
      sources: [(id: string) => (up ? { id } : Promise.reject(new Error('down')))],
      registry: false,
    });
    const ids = Array.from({ length: 50 }, (_, i) => `${i}:{x}`); // ids carrying braces of their own
    expect((await Promise.all(ids.map((id) => fb.get(id)))).map((a) => a.source)).toEqual(
      ids.map(() => 'source'),
    );
    for (const id of ids)
      await waitFor(async () => (await cache.get(`reliability-cluster:item:${id}`)) !== undefined, {
        timeoutMs: 2000,
        intervalMs: 25,
        what: id,
        ignoreErrors: true,
      });
    up = false;
    const answers = await Promise.all(ids.map((id) => fb.get(id)));
    expect(answers.map((a) => [a.source, a.value])).toEqual(ids.map((id) => ['stale', { id }]));
    await fb.invalidate(ids[0]);
    await expect(fb.get(ids[0])).rejects.toThrow(/exhausted|no source|failed/i);
  });

  it('Outbox: add, add inside the caller’s MULTI, park a poison event, requeue it, report MINOR meanwhile', async () => {
    const seen: string[] = [];
    let poisonFails = true;
    const box = new Outbox<number>({
      redis: client,
      maxAttempts: 2,
      commandTimeoutMs: 1000,
      blockMs: 200,
      backoff: { baseMs: 10, maxMs: 20 },
      registry: false,
      handler: async (e) => {
        if (e.type === 'poison' && poisonFails) throw new Error('cannot handle');
        seen.push(e.id);
      },
    });
    try {
      await box.recoverPending();
      box.start();
      await box.add({ type: 'work', payload: 1, id: 'k-a' });
      await box.add({ type: 'work', payload: 1, id: 'k-a' }); // idempotent
      const orderKey = `${box.streamKey}:order:1`; // same hash tag as the stream
      const multi = client.multi().set(orderKey, 'placed');
      box.addTo(multi, { type: 'work', payload: 2, id: 'k-b' });
      await multi.exec();
      await box.add({ type: 'poison', payload: 3, id: 'k-c' });
      await waitFor(async () => (await box.manualReview()).length === 1, {
        timeoutMs: 10_000,
        intervalMs: 25,
        what: 'poison parked',
        ignoreErrors: true,
      });
      expect(seen.sort()).toEqual(['k-a', 'k-b']);
      expect(await client.get(orderKey)).toBe('placed');
      expect(await box.healthCheck().check({ signal })).toMatchObject({ status: 'MINOR' });
      poisonFails = false;
      expect(await box.requeue('k-c')).toBe(true);
      await waitFor(() => seen.includes('k-c'), {
        timeoutMs: 10_000,
        intervalMs: 25,
        what: 'requeued event handled',
        ignoreErrors: true,
      });
      expect(await box.healthCheck().check({ signal })).toMatchObject({ status: 'OK' });
    } finally {
      await box.stop();
    }
  }, 30_000);

  it('redisCheck: OK with every master answering, with a default-configured Cluster client too', async () => {
    expect(await check.check({ signal })).toMatchObject({
      status: 'OK',
      message: expect.stringMatching(/^3\/3 masters/),
    });
    const plain = cluster.client({
      redisOptions: {},
      clusterRetryStrategy: undefined,
      enableOfflineQueue: true,
    });
    plain.on('error', () => undefined);
    try {
      await waitFor(() => plain.status === 'ready', {
        timeoutMs: 10_000,
        intervalMs: 25,
        what: 'default client ready',
        ignoreErrors: true,
      });
      expect(await redisCheck(plain).check({ signal })).toMatchObject({ status: 'OK' });
    } finally {
      plain.disconnect();
    }
  });
});

describe('failover of one master of a real 3-master Redis Cluster, every component on it', () => {
  it('before the kill, the cache, flags, outbox and redisCheck all work on the cluster', async () => {
    expect((await products.get('1')).source).toBe('source');
    await waitFor(async () => (await products.get('1')).source === 'cache', {
      timeoutMs: 2000,
      intervalMs: 25,
      what: 'write-back',
      ignoreErrors: true,
    });
    await flags.set('reliability.checkout', true, { actor: 'test' });
    await outbox.add({ type: 'work', payload: 1, id: 'before' });
    await waitFor(() => handled.includes('before'), {
      timeoutMs: 5000,
      intervalMs: 25,
      what: 'outbox event handled',
      ignoreErrors: true,
    });
    expect(await check.check({ signal })).toMatchObject({ status: 'OK' });
  }, 30_000);

  it('kills the master holding every component’s keys and watches them all at once, without a hang', async () => {
    await victim.kill();
    const started = Date.now();
    try {
      const [fb, ch, fl, adds, health] = await Promise.all([
        watch(WATCH_MS, 100, async () => {
          sourceUp = !sourceUp;
          const up = sourceUp;
          const { result, ms } = await timed(() => products.get('1'));
          return { source: result?.source, from: result?.value.from, ms, sourceUp: up };
        }),
        watch(WATCH_MS, 250, async () => {
          const { result, ms } = await timed(() => Promise.resolve(check.check({ signal })));
          return { status: result?.status, message: result?.message, ms };
        }),
        watch(WATCH_MS, 100, async () => {
          const enabled = flags.isEnabled('reliability.checkout');
          const { ms, error } = await timed(() => flags.set('reliability.other', true));
          return { enabled, ms, rejected: error !== undefined };
        }),
        watch(WATCH_MS, 200, async () => {
          const { ms, error } = await timed(() => outbox.add({ type: 'work', payload: 2 }));
          return { ms, message: error instanceof Error ? error.message : 'added' };
        }),
        watch(WATCH_MS, 500, async () => {
          const { result, ms } = await timed(() => Promise.resolve(outboxHealth.check({ signal })));
          return { status: result?.status, ms };
        }),
      ]);
      observed = {
        fallback: fb,
        check: ch,
        flags: fl,
        flagsStale: flags.stale,
        outboxAdds: adds,
        outboxHealth: health,
      };
      const summary = (list: { ms: number }[]): string =>
        `${list.length} calls, max ${Math.round(Math.max(...list.map((x) => x.ms)))} ms`;
      process.stdout.write(
        `cluster failover (${WATCH_MS} ms with the master dead): fallback ${summary(fb)}; redisCheck ${summary(ch)} ` +
          `(${ch.filter((r) => r.status !== 'OK').length} not OK); flags set ${summary(fl)}; outbox add ${summary(adds)}; ` +
          `outbox health ${summary(health)}\n`,
      );
      // Every watcher kept its pace: nothing waited on the dead master.
      expect(Date.now() - started).toBeLessThan(WATCH_MS + MARGIN_MS * 2);
    } finally {
      sourceUp = true;
      await victim.restart();
      await waitFor(clusterOk, {
        timeoutMs: 20_000,
        intervalMs: 25,
        what: 'cluster_state:ok after the restart',
        ignoreErrors: true,
      });
    }
  }, 60_000);

  it('RedisCache + fallback: the cache tier misses, the source or the stub answers, each call bounded', () => {
    expect(observed?.fallback.length).toBeGreaterThan(5);
    for (const c of observed!.fallback) {
      const expected = c.sourceUp ? { source: 'source', from: 'db' } : { source: 'stub', from: 'stub' };
      expect({ source: c.source, from: c.from }).toEqual(expected);
      expect(c.ms).toBeLessThan(CACHE_TIMEOUT_MS + SOURCE_TIMEOUT_MS + MARGIN_MS);
    }
  });

  it('redisCheck: never OK while a master is dead, each run bounded by its timeout', () => {
    const runs = observed!.check;
    for (const r of runs) expect(r.ms).toBeLessThan(CHECK_TIMEOUT_MS + MARGIN_MS);
    // A third of the slots have no master (and after 2 s the cluster refuses every key).
    const claimedOk = runs.filter((r) => r.status === 'OK');
    expect({ okRuns: `${claimedOk.length}/${runs.length}`, first: claimedOk[0]?.message }).toEqual({
      okRuns: `0/${runs.length}`,
      first: undefined,
    });
  });

  it('FeatureFlags on RedisFlagStore: isEnabled keeps the last snapshot, set() rejects in bounded time, stale is reported', () => {
    for (const a of observed!.flags) {
      expect(a).toEqual({ enabled: true, rejected: true, ms: a.ms });
      expect(a.ms).toBeLessThan(FLAGS_TIMEOUT_MS + MARGIN_MS);
    }
    expect(observed!.flagsStale).toBe(true);
  });

  it('Outbox: add() rejects with a clear error in bounded time and the health check says OUTAGE', () => {
    for (const t of observed!.outboxAdds) {
      expect(t.message).toMatch(/redis|cluster|timed out/i);
      expect(t.ms).toBeLessThan(OUTBOX_TIMEOUT_MS + MARGIN_MS);
    }
    for (const h of observed!.outboxHealth) {
      expect(h.status).toBe('OUTAGE');
      expect(h.ms).toBeLessThan(OUTBOX_TIMEOUT_MS + MARGIN_MS);
    }
  });

  it('after the master is back (empty), every component recovers on its own', async () => {
    await waitFor(async () => (await products.get('1')).source === 'cache', {
      timeoutMs: 10_000,
      intervalMs: 25,
      what: 'cache tier back',
      ignoreErrors: true,
    });
    await waitFor(
      async () => (await timed(() => flags.set('reliability.checkout', false))).error === undefined,
      { timeoutMs: 10_000, intervalMs: 25, what: 'flags set() works again', ignoreErrors: true },
    );
    expect(flags.isEnabled('reliability.checkout')).toBe(false);
    await waitFor(
      async () =>
        (await timed(() => outbox.add({ type: 'work', payload: 3, id: 'after' }))).error === undefined,
      { timeoutMs: 10_000, intervalMs: 25, what: 'outbox add() works again', ignoreErrors: true },
    );
    await waitFor(() => handled.includes('after'), {
      timeoutMs: 10_000,
      intervalMs: 25,
      what: 'an event added after the restart is handled',
      ignoreErrors: true,
    });
    await waitFor(async () => (await check.check({ signal }))?.status === 'OK', {
      timeoutMs: 10_000,
      intervalMs: 25,
      what: 'redisCheck OK',
      ignoreErrors: true,
    });
    const { ms } = await timed(() => outbox.stop());
    expect(ms).toBeLessThan(5000);
  }, 60_000);
});

describe('a frozen master (SIGSTOP) of a real 3-master Redis Cluster, every component on it', () => {
  it('every call stays within its timeout while the master answers nothing, and all recover on SIGCONT', async () => {
    const checkout = flags.isEnabled('reliability.checkout');
    victim.freeze();
    try {
      const [fb, ch, fl, adds] = await Promise.all([
        watch(1500, 100, () => timed(() => products.get('1'))),
        watch(1500, 250, () => timed(() => Promise.resolve(check.check({ signal })))),
        watch(1500, 100, () => timed(() => flags.set('reliability.frozen', true))),
        watch(1500, 200, () => timed(() => outbox.add({ type: 'work', payload: 9 }))),
      ]);
      for (const c of fb) {
        expect(c.error).toBeUndefined(); // source or stub: a frozen cache is a miss
        expect(c.ms).toBeLessThan(CACHE_TIMEOUT_MS + SOURCE_TIMEOUT_MS + MARGIN_MS);
      }
      for (const c of ch) {
        expect(c.result?.status).not.toBe('OK');
        expect(c.ms).toBeLessThan(CHECK_TIMEOUT_MS + MARGIN_MS);
      }
      for (const c of fl) {
        expect(c.error).toBeDefined();
        expect(c.ms).toBeLessThan(FLAGS_TIMEOUT_MS + MARGIN_MS);
      }
      expect(flags.isEnabled('reliability.checkout')).toBe(checkout); // the last snapshot
      for (const c of adds) {
        expect(c.error).toBeDefined();
        expect(c.ms).toBeLessThan(OUTBOX_TIMEOUT_MS + MARGIN_MS);
      }
    } finally {
      victim.resume();
    }
    await waitFor(
      async () => (await timed(() => flags.set('reliability.frozen', false))).error === undefined,
      { timeoutMs: 10_000, intervalMs: 25, what: 'flags back', ignoreErrors: true },
    );
    await waitFor(async () => (await check.check({ signal }))?.status === 'OK', {
      timeoutMs: 10_000,
      intervalMs: 25,
      what: 'redisCheck OK',
      ignoreErrors: true,
    });
  }, 30_000);
});
