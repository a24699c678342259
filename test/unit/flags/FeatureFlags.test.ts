import fc from 'fast-check';
import { Registry } from 'prom-client';
import { ConfigError } from '../../../src/errors/ConfigError';
import { FeatureFlags } from '../../../src/flags/FeatureFlags';
import type { FlagChange } from '../../../src/flags/FlagSnapshot';
import { LEVEL, logSink } from '../../support/logSink';
import { ControlledFlagStore, flag } from './ControlledFlagStore';

let store: ControlledFlagStore;
const running: FeatureFlags[] = [];

function make(opts: ConstructorParameters<typeof FeatureFlags>[0] = {}): FeatureFlags {
  const flags = new FeatureFlags({ store, registry: false, refreshMs: 1000, ...opts });
  running.push(flags);
  return flags;
}

beforeEach(() => {
  store = new ControlledFlagStore();
});
afterEach(async () => {
  jest.useRealTimers();
  await Promise.all(running.splice(0).map((f) => f.stop()));
});

describe('FeatureFlags options', () => {
  it.each<[string, object, RegExp]>([
    ['refreshMs 0', { refreshMs: 0 }, /`refreshMs` must be an integer ≥ 10/],
    ['refreshMs fractional', { refreshMs: 1.5 }, /`refreshMs`/],
    ['a bad default key', { defaults: { '../x': true } }, /`defaults` must be a flag key/],
    ['a non-boolean default', { defaults: { ok: 'yes' } }, /`defaults.ok` must be a boolean/],
    ['a store without methods', { store: {} }, /`store` must be a FlagStore/],
    ['a non-logger', { logger: console }, /`logger`/],
    ['a non-registry', { registry: {} }, /`registry`/],
  ])('refuses %s with a ConfigError naming the option', (_what, opts, message) => {
    expect(() => new FeatureFlags({ registry: false, ...opts })).toThrow(ConfigError);
    expect(() => new FeatureFlags({ registry: false, ...opts })).toThrow(message);
  });

  it("copies the defaults and never mutates the caller's object", async () => {
    const defaults = { a: true };
    const flags = make({ defaults });
    defaults.a = false;
    expect(flags.isEnabled('a')).toBe(true);
    expect(Object.isFrozen(flags.defaults)).toBe(true);
    await flags.set('a', false);
    expect(defaults).toEqual({ a: false });
  });
});

describe('FeatureFlags.isEnabled', () => {
  it('never throws and answers false for anything that is not a known key', () => {
    const flags = make({ defaults: { on: true } });
    fc.assert(
      fc.property(fc.anything(), (key) => {
        expect(flags.isEnabled(key as string)).toBe(key === 'on');
      }),
    );
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'x'.repeat(10_000)]) {
      expect(flags.isEnabled(key)).toBe(false);
    }
  });

  it('gives toggle() functions that follow the flag, for a dependency or a fallback tier', async () => {
    const flags = make({ defaults: { 'partner-api.enabled': true } });
    const toggle = flags.toggle('partner-api.enabled');
    expect(toggle()).toBe(true);
    await flags.set('partner-api.enabled', false);
    expect(toggle()).toBe(false);
    expect(() => flags.toggle('bad key')).toThrow(ConfigError);
  });
});

describe('FeatureFlags background reloads', () => {
  it('picks up a change made behind its back on the next reload, not before', async () => {
    jest.useFakeTimers();
    const flags = make();
    await flags.start();
    store.flags.set('quiet', flag('quiet', true));
    await jest.advanceTimersByTimeAsync(999);
    expect(flags.isEnabled('quiet')).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(flags.isEnabled('quiet')).toBe(true);
  });

  it('reloads when the store says notices may have been missed', async () => {
    const flags = make();
    await flags.start();
    store.flags.set('missed', flag('missed', true));
    store.notify({ type: 'resync' });
    await flags.refresh();
    expect(flags.isEnabled('missed')).toBe(true);
  });

  it('falls back to defaults and says so when a flag vanishes from the store', async () => {
    store.flags.set('legacy', flag('legacy', false, { updatedBy: 'ops' }));
    const flags = make({ defaults: { legacy: true } });
    await flags.start();
    const changes: FlagChange[] = [];
    flags.onChange((c) => changes.push(c));
    store.flags.clear();
    await flags.refresh();
    expect(flags.isEnabled('legacy')).toBe(true);
    expect(changes).toMatchObject([
      { key: 'legacy', from: false, to: null, enabled: true, origin: 'refresh' },
    ]);
  });

  it('never lets a slow reload undo a newer change seen while it was in flight', async () => {
    store.flags.set('f', flag('f', false));
    const flags = make();
    await flags.start();
    const changes: FlagChange[] = [];
    flags.onChange((c) => changes.push(c));
    store.holdLoads = true;
    const reload = flags.refresh();
    store.notify({ type: 'changed', flag: flag('f', true, { updatedAt: 2 }) });
    store.heldLoads[0].resolve([flag('f', false)]); // read before the change
    expect(await reload).toBe(true);
    expect(flags.isEnabled('f')).toBe(true);
    expect(changes.map((c) => [c.from, c.to])).toEqual([[false, true]]);
  });

  it('never lets a late set() reply undo a newer change from another instance', async () => {
    const flags = make();
    await flags.start();
    store.holdSets = true;
    const setting = flags.set('f', true, { actor: 'me' });
    const { write, done } = store.heldSets[0];
    const mine = store.write(write);
    store.notify({ type: 'changed', flag: mine.flag }); // our own notice comes back
    store.notify({ type: 'changed', flag: flag('f', false, { updatedBy: 'them', updatedAt: write.at + 1 }) });
    done.resolve(mine);
    expect(await setting).toEqual(mine.flag);
    expect(flags.isEnabled('f')).toBe(false);
    expect(flags.get('f')?.updatedBy).toBe('them');
  });
});

describe('FeatureFlags when the store fails', () => {
  it('keeps the last snapshot, warns once, emits stale, then synced when the store is back', async () => {
    jest.useFakeTimers();
    const sink = logSink();
    store.flags.set('checkout', flag('checkout', true));
    const flags = make({ logger: sink.logger });
    await flags.start();
    const events: string[] = [];
    flags.on('stale', () => events.push('stale'));
    flags.on('synced', () => events.push('synced'));
    store.failLoads = new Error('connect ECONNREFUSED redis://user:hunter2@db:6379');
    await jest.advanceTimersByTimeAsync(3000);
    expect(store.loads).toBe(4);
    expect(flags.stale).toBe(true);
    expect(flags.isEnabled('checkout')).toBe(true);
    const warns = sink.lines.filter((l) => l.level === LEVEL.warn);
    expect(warns).toHaveLength(1);
    expect(JSON.stringify(warns[0])).not.toContain('hunter2');
    store.failLoads = undefined;
    await jest.advanceTimersByTimeAsync(1000);
    expect(flags.stale).toBe(false);
    expect(events).toEqual(['stale', 'synced']);
    expect(sink.lines.filter((l) => l.msg === 'flag store reachable again')).toHaveLength(1);
  });

  it('starts, answering from defaults, even when the store cannot be read or subscribed to', async () => {
    store.failLoads = new Error('down');
    store.subscribe = () => Promise.reject(new Error('no pub/sub'));
    const flags = make({ defaults: { a: true } });
    await flags.start();
    expect(flags.stale).toBe(true);
    expect(flags.lastSyncAt).toBe(0);
    expect(flags.isEnabled('a')).toBe(true);
  });

  it('rejects set() with the store error and changes nothing here', async () => {
    store.flags.set('a', flag('a', true));
    const flags = make();
    await flags.start();
    const changes: FlagChange[] = [];
    flags.onChange((c) => changes.push(c));
    store.failSets = new Error('Redis is not ready');
    await expect(flags.set('a', false)).rejects.toThrow('Redis is not ready');
    expect(flags.isEnabled('a')).toBe(true);
    expect(flags.list()).toEqual([flag('a', true)]);
    expect(changes).toEqual([]);
  });
});

describe('FeatureFlags events, logs and metrics', () => {
  it('logs a listener that throws and still calls the others', async () => {
    const sink = logSink();
    const flags = make({ logger: sink.logger });
    const seen: string[] = [];
    flags.onChange(() => {
      throw new Error('listener bug');
    });
    const dispose = flags.onChange((c) => seen.push(c.key));
    await flags.set('a', true);
    dispose();
    await flags.set('b', true);
    expect(seen).toEqual(['a']);
    expect(sink.lines.filter((l) => l.msg === 'flag listener threw')).toHaveLength(2);
  });

  it('exports statuskit_flag_enabled per flag, defaults included, on a shared registry', async () => {
    const registry = new Registry();
    const a = make({ registry, defaults: { beta: false } });
    make({ registry, defaults: { gamma: true } });
    await a.set('checkout', true);
    const metric = await registry.getSingleMetric('statuskit_flag_enabled')!.get();
    const values = Object.fromEntries(metric.values.map((v) => [v.labels.flag, v.value]));
    expect(values).toEqual({ beta: 0, gamma: 1, checkout: 1 });
  });
});

describe('FeatureFlags lifecycle', () => {
  it('start() twice shares one start, stop() twice is harmless, and stop leaves no timer', async () => {
    jest.useFakeTimers();
    const flags = make();
    const first = flags.start();
    expect(flags.start()).toBe(first);
    await first;
    expect(store.subscribers).toBe(1);
    expect(jest.getTimerCount()).toBe(1);
    await flags.stop();
    await flags.stop();
    expect(jest.getTimerCount()).toBe(0);
    expect(store.subscribers).toBe(0);
  });

  it('can start again after stop', async () => {
    const flags = make();
    await flags.start();
    await flags.stop();
    store.flags.set('later', flag('later', true));
    await flags.start();
    expect(flags.isEnabled('later')).toBe(true);
  });
});
