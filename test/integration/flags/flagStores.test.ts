import { ConfigError } from '../../../src/errors/ConfigError';
import { FeatureFlags } from '../../../src/flags/FeatureFlags';
import type { FlagChange } from '../../../src/flags/FlagSnapshot';
import type { FlagStore } from '../../../src/flags/FlagStore';
import { MemoryFlagStore } from '../../../src/flags/MemoryFlagStore';
import { RedisFlagStore } from '../../../src/flags/RedisFlagStore';
import { logSink, LEVEL } from '../../support/logSink';
import { Clients, waitReady } from './flagTestKit';
import { waitFor } from '../../support/waitFor';
import { useRedisServer } from '../../support/useRedisServer';

/** Creates the stores of "one deployment": every store from one `deployment()` shares its flags. */
interface StoreKind {
  name: string;
  deployment(): Promise<() => Promise<FlagStore>>;
}

const { server } = useRedisServer({ client: false });
const clients = new Clients();
let prefixes = 0;

const memory: StoreKind = {
  name: 'MemoryFlagStore',
  deployment: () => {
    const shared = new MemoryFlagStore();
    return Promise.resolve(() => Promise.resolve(shared));
  },
};

const redis: StoreKind = {
  name: 'RedisFlagStore',
  deployment: () => {
    const prefix = `test:flags${++prefixes}`;
    return Promise.resolve(async () => {
      const client = clients.create(server().url);
      await waitReady(client);
      return new RedisFlagStore(client, { prefix, commandTimeoutMs: 2000 });
    });
  },
};

// After each test, while the suite's server is still up: a client disconnected once the server is
// gone arms ioredis's ref'd 2 s disconnect timer, which nothing clears, holding the jest worker open.
afterEach(() => {
  clients.disconnectAll();
});

describe.each([memory, redis])('FeatureFlags over $name', (kind) => {
  const running: FeatureFlags[] = [];
  let newStore: () => Promise<FlagStore>;

  async function instance(
    defaults: Record<string, boolean> = {},
    logger = logSink().logger,
  ): Promise<FeatureFlags> {
    const flags = new FeatureFlags({
      store: await newStore(),
      defaults,
      registry: false,
      logger,
      refreshMs: 60_000,
    });
    running.push(flags);
    await flags.start();
    return flags;
  }

  beforeEach(async () => {
    newStore = await kind.deployment();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((f) => f.stop()));
  });

  it('answers a flag set on one instance on every other instance sharing the store', async () => {
    const [a, b] = [await instance(), await instance()];
    await a.set('checkout.v2', true, { actor: 'alice' });
    expect(a.isEnabled('checkout.v2')).toBe(true);
    await waitFor(() => b.isEnabled('checkout.v2'), {
      timeoutMs: 1000,
      intervalMs: 5,
      what: 'second instance sees the flag',
    });
    await b.set('checkout.v2', false, { actor: 'bob' });
    await waitFor(() => !a.isEnabled('checkout.v2'), {
      timeoutMs: 1000,
      intervalMs: 5,
      what: 'first instance sees it switched off',
    });
  });

  it('returns the stored flag with who changed it and when', async () => {
    const flags = await instance();
    const before = Date.now();
    const flag = await flags.set('search:beta', true, { actor: 'alice', description: 'New search' });
    expect(flag).toEqual({
      key: 'search:beta',
      enabled: true,
      description: 'New search',
      updatedAt: expect.any(Number) as number,
      updatedBy: 'alice',
    });
    expect(flag.updatedAt).toBeGreaterThanOrEqual(before);
    expect(flags.list()).toEqual([flag]);
    expect(flags.get('search:beta')).toEqual(flag);
  });

  it('keeps the description when a change omits it, and records "unknown" without an actor', async () => {
    const flags = await instance();
    await flags.set('reviews', true, { description: 'Show reviews', actor: 'alice' });
    const flag = await flags.set('reviews', false);
    expect(flag).toMatchObject({ enabled: false, description: 'Show reviews', updatedBy: 'unknown' });
    expect(await (await newStore()).load()).toEqual([flag]);
  });

  it('keeps Unicode descriptions intact', async () => {
    const flags = await instance();
    const description = 'Été 🚀 — "quoted" / slashed \\ 日本語';
    await flags.set('intl', true, { description });
    const other = await instance();
    expect(other.get('intl')?.description).toBe(description);
  });

  it('answers defaults for unknown keys, else false, and the store wins once it holds the key', async () => {
    const flags = await instance({ legacy: true, fresh: false });
    expect(flags.isEnabled('legacy')).toBe(true);
    expect(flags.isEnabled('fresh')).toBe(false);
    expect(flags.isEnabled('never-heard-of')).toBe(false);
    await flags.set('legacy', false);
    expect(flags.isEnabled('legacy')).toBe(false);
  });

  it('loads what is already stored when an instance starts later', async () => {
    const first = await instance();
    await first.set('a', true);
    await first.set('b', false);
    const later = await instance();
    expect(later.list().map((f) => [f.key, f.enabled])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });

  it('refuses bad keys and values with ConfigError and stores nothing', async () => {
    const flags = await instance();
    await flags.set('kept', true);
    const store = await newStore();
    const stored = await store.load();
    const bad: Array<[unknown, unknown, unknown?]> = [
      ['../etc/passwd', true],
      ['é', true],
      ['x'.repeat(129), true],
      ['', true],
      ['-leading-dash', true],
      ['kept', 'yes'],
      ['kept', false, { description: 'x'.repeat(1025) }],
      ['kept', false, { actor: 42 }],
      ['kept', false, { description: '\ud800' }],
    ];
    for (const [key, enabled, opts] of bad) {
      await expect(flags.set(key as string, enabled as boolean, opts as object)).rejects.toBeInstanceOf(
        ConfigError,
      );
    }
    expect(await store.load()).toEqual(stored);
    expect(flags.list()).toEqual(stored);
  });

  it('emits one change event per real change on every instance, naming the actor', async () => {
    const [a, b] = [await instance(), await instance()];
    const seenA: FlagChange[] = [];
    const seenB: FlagChange[] = [];
    a.onChange((c) => seenA.push(c));
    b.onChange((c) => seenB.push(c));
    await a.set('promo', true, { actor: 'alice' });
    await a.set('promo', true, { actor: 'alice' });
    await waitFor(() => seenB.length === 1, { timeoutMs: 1000, intervalMs: 5, what: 'change reaches b' });
    await new Promise((r) => setTimeout(r, 50));
    expect(seenA.map((c) => [c.key, c.from, c.to, c.actor, c.origin])).toEqual([
      ['promo', null, true, 'alice', 'local'],
    ]);
    expect(seenB.map((c) => [c.key, c.from, c.to, c.actor, c.origin])).toEqual([
      ['promo', null, true, 'alice', 'notice'],
    ]);
  });

  it('logs every change at info with key, actor, old and new value, also on the other instances', async () => {
    const sinkA = logSink();
    const sinkB = logSink();
    const a = await instance({}, sinkA.logger);
    const b = await instance({}, sinkB.logger);
    await a.set('kill.partner', true, { actor: 'ops' });
    await a.set('kill.partner', false, { actor: 'ops' });
    await waitFor(() => !b.isEnabled('kill.partner') && b.get('kill.partner') !== undefined, {
      timeoutMs: 1000,
      intervalMs: 5,
    });
    for (const lines of [sinkA.lines, sinkB.lines]) {
      const changes = lines.filter((l) => l.msg === 'flag changed');
      expect(changes.map((l) => [l.level, l.key, l.actor, l.from, l.to])).toEqual([
        [LEVEL.info, 'kill.partner', 'ops', null, true],
        [LEVEL.info, 'kill.partner', 'ops', true, false],
      ]);
    }
  });
});
