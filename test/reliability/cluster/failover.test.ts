import { redisCheck } from '../../../checks/redisCheck';
import { RedisCache } from '../../../src/cache/RedisCache';
import { fallback } from '../../../src/fallback/fallback';
import { Outbox } from '../../../src/outbox/Outbox';
import { waitFor } from '../../support/waitFor';
import { scaled } from '../support/budget';
import {
  CACHE_TIMEOUT_MS,
  CHECK_TIMEOUT_MS,
  clusterOk,
  FLAGS_TIMEOUT_MS,
  MARGIN_MS,
  OUTBOX_TIMEOUT_MS,
  signal,
  SOURCE_TIMEOUT_MS,
  useClusterComponents,
  watch,
} from '../support/clusterComponents';
import { timed } from '../support/timing';

// One cluster for the whole file: starting three masters costs seconds, and two clusters started
// by parallel jest workers left a worker slow to exit.

/**
 * How long the components are watched with the master down: past `cluster-node-timeout` (2 s), when
 * the surviving masters declare the cluster down and refuse every key, not only the dead one's.
 */
const WATCH_MS = scaled(3500, 30_000);

/** What each component did while the master was down. */
interface Observed {
  fallback: { source: string; from: string; ms: number; sourceUp: boolean }[];
  check: { status: string | undefined; message: string | undefined; ms: number }[];
  flags: { enabled: boolean; rejected: boolean; ms: number }[];
  flagsStale: boolean;
  outboxAdds: { ms: number; message: string }[];
  outboxHealth: { status: string | undefined; ms: number }[];
}

const env = useClusterComponents();
let observed: Observed | undefined;

describe('key behaviours on a real 3-master Redis Cluster, default key layouts', () => {
  it('RedisCache: fifty concurrent lookups batch into MGETs on one slot, stale answers while the source is down', async () => {
    const cache = new RedisCache(env.client);
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
      redis: env.client,
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
      const multi = env.client.multi().set(orderKey, 'placed');
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
      expect(await env.client.get(orderKey)).toBe('placed');
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
    expect(await env.check.check({ signal })).toMatchObject({
      status: 'OK',
      message: expect.stringMatching(/^3\/3 masters/),
    });
    const plain = env.cluster.client({
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
    expect((await env.products.get('1')).source).toBe('source');
    await waitFor(async () => (await env.products.get('1')).source === 'cache', {
      timeoutMs: 2000,
      intervalMs: 25,
      what: 'write-back',
      ignoreErrors: true,
    });
    await env.flags.set('reliability.checkout', true, { actor: 'test' });
    await env.outbox.add({ type: 'work', payload: 1, id: 'before' });
    await waitFor(() => env.handled.includes('before'), {
      timeoutMs: 5000,
      intervalMs: 25,
      what: 'outbox event handled',
      ignoreErrors: true,
    });
    expect(await env.check.check({ signal })).toMatchObject({ status: 'OK' });
  }, 30_000);

  it('kills the master holding every component’s keys and watches them all at once, without a hang', async () => {
    await env.victim.kill();
    const started = Date.now();
    try {
      const [fb, ch, fl, adds, health] = await Promise.all([
        watch(WATCH_MS, 100, async () => {
          env.sourceUp = !env.sourceUp;
          const up = env.sourceUp;
          const { result, ms } = await timed(() => env.products.get('1'));
          return { source: result?.source, from: result?.value.from, ms, sourceUp: up };
        }),
        watch(WATCH_MS, 250, async () => {
          const { result, ms } = await timed(() => Promise.resolve(env.check.check({ signal })));
          return { status: result?.status, message: result?.message, ms };
        }),
        watch(WATCH_MS, 100, async () => {
          const enabled = env.flags.isEnabled('reliability.checkout');
          const { ms, error } = await timed(() => env.flags.set('reliability.other', true));
          return { enabled, ms, rejected: error !== undefined };
        }),
        watch(WATCH_MS, 200, async () => {
          const { ms, error } = await timed(() => env.outbox.add({ type: 'work', payload: 2 }));
          return { ms, message: error instanceof Error ? error.message : 'added' };
        }),
        watch(WATCH_MS, 500, async () => {
          const { result, ms } = await timed(() => Promise.resolve(env.outboxHealth.check({ signal })));
          return { status: result?.status, ms };
        }),
      ]);
      observed = {
        fallback: fb,
        check: ch,
        flags: fl,
        flagsStale: env.flags.stale,
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
      env.sourceUp = true;
      await env.victim.restart();
      await waitFor(() => clusterOk(env.cluster), {
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
    // A third of the slots have no master (and after 2 s the env.cluster refuses every key).
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
    await waitFor(async () => (await env.products.get('1')).source === 'cache', {
      timeoutMs: 10_000,
      intervalMs: 25,
      what: 'cache tier back',
      ignoreErrors: true,
    });
    await waitFor(
      async () => (await timed(() => env.flags.set('reliability.checkout', false))).error === undefined,
      { timeoutMs: 10_000, intervalMs: 25, what: 'flags set() works again', ignoreErrors: true },
    );
    expect(env.flags.isEnabled('reliability.checkout')).toBe(false);
    await waitFor(
      async () =>
        (await timed(() => env.outbox.add({ type: 'work', payload: 3, id: 'after' }))).error === undefined,
      { timeoutMs: 10_000, intervalMs: 25, what: 'outbox add() works again', ignoreErrors: true },
    );
    await waitFor(() => env.handled.includes('after'), {
      timeoutMs: 10_000,
      intervalMs: 25,
      what: 'an event added after the restart is handled',
      ignoreErrors: true,
    });
    await waitFor(async () => (await env.check.check({ signal }))?.status === 'OK', {
      timeoutMs: 10_000,
      intervalMs: 25,
      what: 'redisCheck OK',
      ignoreErrors: true,
    });
    const { ms } = await timed(() => env.outbox.stop());
    expect(ms).toBeLessThan(5000);
  }, 60_000);
});
describe('a frozen master (SIGSTOP) of a real 3-master Redis Cluster, every component on it', () => {
  it('every call stays within its timeout while the master answers nothing, and all recover on SIGCONT', async () => {
    const checkout = env.flags.isEnabled('reliability.checkout');
    env.victim.freeze();
    try {
      const [fb, ch, fl, adds] = await Promise.all([
        watch(1500, 100, () => timed(() => env.products.get('1'))),
        watch(1500, 250, () => timed(() => Promise.resolve(env.check.check({ signal })))),
        watch(1500, 100, () => timed(() => env.flags.set('reliability.frozen', true))),
        watch(1500, 200, () => timed(() => env.outbox.add({ type: 'work', payload: 9 }))),
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
      expect(env.flags.isEnabled('reliability.checkout')).toBe(checkout); // the last snapshot
      for (const c of adds) {
        expect(c.error).toBeDefined();
        expect(c.ms).toBeLessThan(OUTBOX_TIMEOUT_MS + MARGIN_MS);
      }
    } finally {
      env.victim.resume();
    }
    await waitFor(
      async () => (await timed(() => env.flags.set('reliability.frozen', false))).error === undefined,
      { timeoutMs: 10_000, intervalMs: 25, what: 'flags back', ignoreErrors: true },
    );
    await waitFor(async () => (await env.check.check({ signal }))?.status === 'OK', {
      timeoutMs: 10_000,
      intervalMs: 25,
      what: 'redisCheck OK',
      ignoreErrors: true,
    });
  }, 30_000);
});
