import {
  ErrorCode,
  InMemoryProvider,
  OpenFeature,
  ProviderEvents,
  type EventDetails,
  type Hook,
} from '@openfeature/server-sdk';
import { FeatureFlags } from '../../../src/flags/FeatureFlags';
import { flagProvider } from '../../../src/flags/flagProvider';
import type { Flag } from '../../../src/flags/Flag';
import { MemoryFlagStore } from '../../../src/flags/MemoryFlagStore';
import { RedisFlagStore } from '../../../src/flags/RedisFlagStore';
import { RedisServer } from '../../support/RedisServer';
import { Clients, waitReady } from './flagTestKit';
import { waitFor } from '../../support/waitFor';

/** A MemoryFlagStore whose reads can be made to fail, standing in for an unreachable store. */
class FlakyStore extends MemoryFlagStore {
  failing = false;
  override load(): Promise<Flag[]> {
    return this.failing ? Promise.reject(new Error('store unreachable')) : super.load();
  }
}

let store: FlakyStore;
let flags: FeatureFlags;

beforeEach(async () => {
  store = new FlakyStore([
    { key: 'checkout', enabled: true, description: 'v2', updatedAt: 5, updatedBy: 'seed' },
  ]);
  flags = new FeatureFlags({ store, defaults: { 'beta.search': true }, registry: false });
  await OpenFeature.setProviderAndWait(flagProvider(flags));
});
afterEach(async () => {
  await OpenFeature.close();
  await flags.stop();
});

describe('flagProvider through the OpenFeature SDK', () => {
  it('starts the flags and answers stored flags as CACHED with their metadata', async () => {
    expect(flags.lastSyncAt).toBeGreaterThan(0);
    const client = OpenFeature.getClient();
    expect(await client.getBooleanValue('checkout', false)).toBe(true);
    expect(await client.getBooleanDetails('checkout', false)).toMatchObject({
      flagKey: 'checkout',
      value: true,
      variant: 'on',
      reason: 'CACHED',
      flagMetadata: { description: 'v2', updatedAt: 5, updatedBy: 'seed' },
    });
  });

  it('answers a key known only from defaults as STATIC', async () => {
    expect(await OpenFeature.getClient().getBooleanDetails('beta.search', false)).toMatchObject({
      value: true,
      reason: 'STATIC',
    });
  });

  it('answers a key neither stored nor defaulted as FLAG_NOT_FOUND, like the SDK’s InMemoryProvider, and runs error hooks', async () => {
    const errors: Array<{ flagKey: string; code: unknown }> = [];
    const hook: Hook = {
      error: (ctx, err) => void errors.push({ flagKey: ctx.flagKey, code: (err as { code?: unknown }).code }),
    };
    const client = OpenFeature.getClient();
    client.addHooks(hook);
    const ours = await client.getBooleanDetails('unheard-of', true);
    expect(ours).toMatchObject({ value: true, reason: 'ERROR', errorCode: ErrorCode.FLAG_NOT_FOUND });
    expect(await client.getBooleanValue('unheard-of', false)).toBe(false);
    expect(errors).toEqual([
      { flagKey: 'unheard-of', code: ErrorCode.FLAG_NOT_FOUND },
      { flagKey: 'unheard-of', code: ErrorCode.FLAG_NOT_FOUND },
    ]);

    // The SDK's own provider, for comparison: the same reason and error code.
    await OpenFeature.setProviderAndWait('reference', new InMemoryProvider({}));
    const reference = await OpenFeature.getClient('reference').getBooleanDetails('unheard-of', true);
    expect({ value: ours.value, reason: ours.reason, errorCode: ours.errorCode }).toEqual({
      value: reference.value,
      reason: reference.reason,
      errorCode: reference.errorCode,
    });
  });

  it('answers non-boolean requests and impossible keys with ERROR and the caller default', async () => {
    const client = OpenFeature.getClient();
    expect(await client.getStringDetails('checkout', 'x')).toMatchObject({
      value: 'x',
      reason: 'ERROR',
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
    expect(await client.getNumberValue('checkout', 7)).toBe(7);
    expect(await client.getObjectDetails('checkout', { a: 1 })).toMatchObject({
      value: { a: 1 },
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
    expect(await client.getBooleanDetails('../etc', true)).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: ErrorCode.FLAG_NOT_FOUND,
    });
  });

  it('answers STALE while the store is unreachable and emits stale, then ready when it is back', async () => {
    const client = OpenFeature.getClient();
    const events: string[] = [];
    client.addHandler(ProviderEvents.Stale, () => events.push('stale'));
    client.addHandler(ProviderEvents.Ready, () => events.push('ready'));
    store.failing = true;
    expect(await flags.refresh()).toBe(false);
    expect(await client.getBooleanDetails('checkout', false)).toMatchObject({ value: true, reason: 'STALE' });
    store.failing = false;
    expect(await flags.refresh()).toBe(true);
    expect(await client.getBooleanDetails('checkout', false)).toMatchObject({
      value: true,
      reason: 'CACHED',
    });
    await waitFor(() => events.length >= 3, { timeoutMs: 1000, intervalMs: 5 });
    // The SDK replays READY to a handler added while the provider is ready.
    expect(events).toEqual(['ready', 'stale', 'ready']);
  });

  it('emits PROVIDER_CONFIGURATION_CHANGED with the changed flags', async () => {
    const client = OpenFeature.getClient();
    const changed: Array<EventDetails | undefined> = [];
    client.addHandler(ProviderEvents.ConfigurationChanged, (details) => changed.push(details));
    await flags.set('checkout', false, { actor: 'ops' });
    await waitFor(() => changed.length === 1, { timeoutMs: 1000, intervalMs: 5 });
    expect(changed[0]?.flagsChanged).toEqual(['checkout']);
    expect(await client.getBooleanValue('checkout', true)).toBe(false);
  });
});

describe('flagProvider with flags shared through Redis', () => {
  it('emits a configuration change when another instance changes a flag', async () => {
    const server = await RedisServer.start();
    const clients = new Clients();
    const other = new FeatureFlags({
      registry: false,
      store: new RedisFlagStore(clients.create(server.url)),
    });
    const mine = new FeatureFlags({ registry: false, store: new RedisFlagStore(clients.create(server.url)) });
    try {
      await Promise.all(clients.list().map((c) => waitReady(c)));
      await other.start();
      await OpenFeature.setProviderAndWait('redis', flagProvider(mine, { stopOnClose: true }));
      const client = OpenFeature.getClient('redis');
      const changed: string[][] = [];
      client.addHandler(ProviderEvents.ConfigurationChanged, (d) => changed.push(d?.flagsChanged ?? []));
      await other.set('partner-api.enabled', false, { actor: 'ops' });
      await waitFor(() => changed.length === 1, { timeoutMs: 1000, intervalMs: 5, what: 'change event' });
      expect(changed).toEqual([['partner-api.enabled']]);
      expect(await client.getBooleanDetails('partner-api.enabled', true)).toMatchObject({
        value: false,
        reason: 'CACHED',
      });
    } finally {
      await OpenFeature.close();
      await other.stop();
      clients.disconnectAll();
      await server.stop();
    }
  });
});
