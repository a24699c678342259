import type Redis from 'ioredis';
import { OutcomeUnknownError } from '../../../src/errors/OutcomeUnknownError';
import { RedisUnavailableError } from '../../../src/errors/RedisUnavailableError';
import { TimeoutError } from '../../../src/errors/TimeoutError';
import { FeatureFlags } from '../../../src/flags/FeatureFlags';
import { RedisFlagStore } from '../../../src/flags/RedisFlagStore';
import { logSink } from '../../support/logSink';
import { Clients, waitReady } from './flagTestKit';
import { waitFor } from '../../support/waitFor';
import { useRedisServer } from '../../support/useRedisServer';

/** Generous margins: a busy shared 2-core machine. */
const PROPAGATION_BOUND_MS = 1000;
const MARGIN_MS = 1500;
const COMMAND_TIMEOUT_MS = 300;

const { server } = useRedisServer({ persist: true, client: false });
const clients = new Clients();
const running: FeatureFlags[] = [];
let prefixes = 0;

afterEach(async () => {
  server().resume();
  await Promise.all(running.splice(0).map((f) => f.stop()));
  clients.disconnectAll();
  if (!server().running) await server().restart();
});

/** Two instances of one service sharing `prefix`; `b` uses a default-configured ioredis client. */
async function pair(
  refreshMs = 60_000,
): Promise<{ a: FeatureFlags; b: FeatureFlags; prefix: string; clientA: Redis }> {
  const prefix = `svc${++prefixes}:flags`;
  const make = async (client: Redis): Promise<FeatureFlags> => {
    await waitReady(client);
    const store = new RedisFlagStore(client, { prefix, commandTimeoutMs: COMMAND_TIMEOUT_MS });
    const flags = new FeatureFlags({ store, refreshMs, registry: false, logger: logSink().logger });
    running.push(flags);
    await flags.start();
    return flags;
  };
  const clientA = clients.create(server().url);
  return { a: await make(clientA), b: await make(clients.createDefault(server().url)), prefix, clientA };
}

describe('RedisFlagStore across instances', () => {
  it('a set on one instance is seen by another within one second', async () => {
    const { a, b } = await pair();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await a.set('partner-api.enabled', i % 2 === 0, { actor: 'ops' });
      await waitFor(() => b.isEnabled('partner-api.enabled') === (i % 2 === 0), {
        timeoutMs: PROPAGATION_BOUND_MS,
        intervalMs: 5,
      });
      times.push(performance.now() - start);
    }
    // Reported to the lead: set() round trip plus pub/sub delivery to the other instance.
    process.stdout.write(`flag propagation ms: ${times.map((t) => t.toFixed(1)).join(', ')}\n`);
    expect(Math.max(...times)).toBeLessThan(PROPAGATION_BOUND_MS);
  });

  it('a change whose notice was lost is picked up by polling within refreshMs', async () => {
    const refreshMs = 300;
    const { b, prefix } = await pair(refreshMs);
    const raw = clients.create(server().url);
    await waitReady(raw);
    const hash = new RedisFlagStore(raw, { prefix }).layout.hash;
    const flag = {
      key: 'silent',
      enabled: true,
      description: '',
      updatedAt: Date.now(),
      updatedBy: 'script',
    };
    await raw.hset(hash, 'silent', JSON.stringify(flag)); // no PUBLISH: only polling can see it
    const took = await waitFor(() => b.isEnabled('silent'), {
      timeoutMs: refreshMs + MARGIN_MS,
      intervalMs: 5,
      what: 'polling converges',
    });
    expect(took).toBeLessThan(refreshMs + MARGIN_MS);
  });

  it('after Redis restarts (data persisted), both instances converge within refreshMs and changes flow again', async () => {
    const refreshMs = 500;
    const { a, b, clientA } = await pair(refreshMs);
    await a.set('kept', true);
    await waitFor(() => b.isEnabled('kept'), { timeoutMs: PROPAGATION_BOUND_MS, intervalMs: 5 });
    await server().restart();
    expect(a.isEnabled('kept')).toBe(true);
    expect(b.isEnabled('kept')).toBe(true);
    await waitFor(() => a.stale === false && a.lastSyncAt > 0, { timeoutMs: 10_000, intervalMs: 5 });
    // Writer reconnected: set as soon as it can, while the other side's subscriber may still be away.
    await waitReady(clientA);
    await retryUntilStored(() => a.set('after-restart', true));
    const took = await waitFor(() => b.isEnabled('after-restart'), {
      timeoutMs: refreshMs + MARGIN_MS,
      intervalMs: 5,
      what: 'converges after restart',
    });
    expect(took).toBeLessThan(refreshMs + MARGIN_MS);
    expect(b.isEnabled('kept')).toBe(true);
    await a.set('after-restart', false);
    await waitFor(() => !b.isEnabled('after-restart'), { timeoutMs: PROPAGATION_BOUND_MS, intervalMs: 5 });
  });
});

async function retryUntilStored(fn: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await fn();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('RedisFlagStore while Redis is down or frozen', () => {
  it('killed: isEnabled answers the last value at once, set rejects clearly and changes nothing', async () => {
    const { a, b } = await pair(200);
    await a.set('checkout', true);
    await waitFor(() => b.isEnabled('checkout'), { timeoutMs: PROPAGATION_BOUND_MS, intervalMs: 5 });
    await server().kill();
    // isEnabled is synchronous (a boolean, never a promise): it reads the snapshot in memory and
    // cannot wait on Redis. How fast it is, is the benchmarks' business: a timed loop here failed
    // on a loaded CI machine without telling anything about Redis.
    for (const f of [a, b]) expect(f.isEnabled('checkout')).toBe(true);
    for (const f of [a, b]) {
      const start = Date.now();
      const err = await f.set('checkout', false).catch((e: unknown) => e);
      expect(Date.now() - start).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
      // Not ready → RedisUnavailableError at once; sent before the client noticed → outcome unknown.
      expect([RedisUnavailableError, OutcomeUnknownError]).toContain((err as Error).constructor);
      expect((err as Error).message).toMatch(/set flag "checkout"/);
      expect(f.isEnabled('checkout')).toBe(true);
      expect(f.get('checkout')?.enabled).toBe(true);
    }
    await waitFor(() => a.stale && b.stale, {
      timeoutMs: 5000,
      intervalMs: 5,
      what: 'both notice the outage',
    });
    expect(a.isEnabled('checkout')).toBe(true);

    await server().restart();
    await waitFor(() => !a.stale && !b.stale, {
      timeoutMs: 10_000,
      intervalMs: 5,
      what: 'both reload after Redis returns',
    });
    await retryUntilStored(() => b.set('checkout', false, { actor: 'ops' }));
    await waitFor(() => !a.isEnabled('checkout'), {
      timeoutMs: 5000,
      intervalMs: 5,
      what: 'changes flow again',
    });
  });

  it('frozen: isEnabled answers at once, set times out within its bound and changes nothing here', async () => {
    const { a, b } = await pair(200);
    await a.set('search', true);
    await waitFor(() => b.isEnabled('search'), { timeoutMs: PROPAGATION_BOUND_MS, intervalMs: 5 });
    server().freeze();
    const start = Date.now();
    const err = await a.set('search', false).catch((e: unknown) => e);
    expect(Date.now() - start).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
    // Sent to a frozen server: it may still land, so it is not reported as "not changed".
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as OutcomeUnknownError).cause).toBeInstanceOf(TimeoutError);
    expect(a.isEnabled('search')).toBe(true);
    await waitFor(() => a.stale && b.stale, { timeoutMs: 5000, intervalMs: 5, what: 'reloads time out' });
    expect([a.isEnabled('search'), b.isEnabled('search')]).toEqual([true, true]);

    server().resume();
    // The write that timed out was still queued in the frozen server(); it lands now, and its notice
    // brings every instance to the same value. Then new changes flow as usual.
    await waitFor(() => !a.stale && !b.stale, { timeoutMs: 10_000, intervalMs: 5 });
    await a.set('search', true, { actor: 'ops' });
    await waitFor(() => b.isEnabled('search') && b.get('search')?.updatedBy === 'ops', {
      timeoutMs: 5000,
      intervalMs: 5,
    });
    await b.set('search', false, { actor: 'ops' });
    await waitFor(() => !a.isEnabled('search'), { timeoutMs: PROPAGATION_BOUND_MS, intervalMs: 5 });
  });
  it('starts within its bounds while Redis is down, answers defaults, and catches up when Redis is back', async () => {
    const seed = clients.create(server().url);
    await waitReady(seed);
    await new RedisFlagStore(seed, { prefix: 'boot:flags' }).set({
      key: 'dark-mode',
      enabled: true,
      actor: 'ops',
      at: 1,
    });
    await server().kill();
    const client = clients.create(server().url);
    const flags = new FeatureFlags({
      store: new RedisFlagStore(client, { prefix: 'boot:flags', commandTimeoutMs: COMMAND_TIMEOUT_MS }),
      defaults: { 'dark-mode': false },
      refreshMs: 200,
      registry: false,
    });
    running.push(flags);
    const start = Date.now();
    await flags.start();
    expect(Date.now() - start).toBeLessThan(COMMAND_TIMEOUT_MS * 2 + MARGIN_MS);
    expect(flags.stale).toBe(true);
    expect(flags.isEnabled('dark-mode')).toBe(false);
    await server().restart();
    await waitFor(() => flags.isEnabled('dark-mode'), {
      timeoutMs: 10_000,
      intervalMs: 5,
      what: 'catches up once Redis is back',
    });
    expect(flags.stale).toBe(false);
  });
});

describe('RedisFlagStore layout', () => {
  it('keeps every flag in one hash under the prefix hash tag and announces changes on one channel', async () => {
    const client = clients.create(server().url);
    await waitReady(client);
    expect(new RedisFlagStore(client).layout).toEqual({
      hash: 'statuskit:{flags}',
      channel: 'statuskit:{flags}:changed',
    });
    const store = new RedisFlagStore(client, { prefix: 'layout-test:flags' });
    await store.set({ key: 'a', enabled: true, actor: 'x', at: 1 });
    await store.set({ key: 'b', enabled: false, actor: 'x', at: 2 });
    expect(await client.keys('layout-test*')).toEqual(['layout-test:{flags}']);
    expect((await client.hkeys('layout-test:{flags}')).sort()).toEqual(['a', 'b']);
  });

  it('ignores malformed entries in the hash, logging each once', async () => {
    const client = clients.create(server().url);
    await waitReady(client);
    const sink = logSink();
    const store = new RedisFlagStore(client, { prefix: 'junk:flags', logger: sink.logger });
    await client.hset(
      'junk:{flags}',
      'bad',
      'not json',
      'wrong-key',
      JSON.stringify({ key: 'other', enabled: true }),
    );
    await store.set({ key: 'good', enabled: true, actor: 'x', at: 1 });
    expect((await store.load()).map((f) => f.key)).toEqual(['good']);
    await store.load();
    const warned = sink.lines
      .filter((l) => l.msg === 'ignored a malformed flag in Redis')
      .map((l) => l.field);
    expect(warned.sort()).toEqual(['bad', 'wrong-key']);
  });

  it('stop() closes the subscriber connection it opened and leaves the caller client open', async () => {
    const { a } = await pair();
    const admin = clients.create(server().url);
    await waitReady(admin);
    const subscribers = async (): Promise<number> =>
      String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'))
        .split('\n')
        .filter(Boolean).length;
    expect(await subscribers()).toBe(2);
    await a.stop();
    await new Promise((r) => setTimeout(r, 100));
    expect(await subscribers()).toBe(1);
    expect(await a.refresh()).toBe(true);
  });
});
