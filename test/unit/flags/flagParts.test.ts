import fc from 'fast-check';
import Redis from 'ioredis';
import { ConfigError } from '../../../src/errors/ConfigError';
import { assertFlagKey, FLAG_KEY_PATTERN, isValidFlagKey, parseFlag } from '../../../src/flags/Flag';
import { FeatureFlags } from '../../../src/flags/FeatureFlags';
import { flagProvider } from '../../../src/flags/flagProvider';
import { FlagSnapshot } from '../../../src/flags/FlagSnapshot';
import { RedisFlagStore } from '../../../src/flags/RedisFlagStore';
import { redisFlagLayout } from '../../../src/flags/redisFlagLayout';
import { flag } from './ControlledFlagStore';

describe('flag keys', () => {
  it.each(['a', 'checkout.v2', 'partner-api.enabled', 'ns:feature_x', '0', 'k'.repeat(128)])(
    'accepts %s',
    (key) => {
      expect(isValidFlagKey(key)).toBe(true);
      expect(assertFlagKey(key)).toBe(key);
    },
  );

  it.each(['', '.hidden', '-x', '../etc', 'a/b', 'é', 'a b', 'a\u0000', 'k'.repeat(129), 'emoji🚀'])(
    'refuses %j with a ConfigError',
    (key) => {
      expect(isValidFlagKey(key)).toBe(false);
      expect(() => assertFlagKey(key)).toThrow(ConfigError);
    },
  );

  it('never throws on anything, and agrees with the documented pattern', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        expect(isValidFlagKey(v)).toBe(typeof v === 'string' && FLAG_KEY_PATTERN.test(v));
      }),
    );
  });
});

describe('parseFlag', () => {
  it('reads a well-formed flag and fills missing optional fields', () => {
    expect(parseFlag('{"key":"a","enabled":true}')).toEqual({
      key: 'a',
      enabled: true,
      description: '',
      updatedAt: 0,
      updatedBy: 'unknown',
    });
  });

  it.each([
    ['not JSON', 'nope'],
    ['an array', '[]'],
    ['null', 'null'],
    ['a bad key', '{"key":"../x","enabled":true}'],
    ['a non-boolean state', '{"key":"a","enabled":"true"}'],
  ])('returns undefined for %s', (_what, json) => {
    expect(parseFlag(json)).toBeUndefined();
  });

  it('returns undefined when the key differs from the expected one', () => {
    expect(parseFlag('{"key":"a","enabled":true}', 'b')).toBeUndefined();
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string(), (s) => void parseFlag(s)));
  });
});

describe('redisFlagLayout', () => {
  it.each([
    ['statuskit:flags', 'statuskit:{flags}'],
    ['myapp', '{myapp}'],
    ['a:b:c:', 'a:b:{c}'],
    ['shop:{ff}', 'shop:{ff}'],
  ])('puts prefix %s under one hash tag: %s', (prefix, hash) => {
    expect(redisFlagLayout(prefix)).toEqual({ hash, channel: `${hash}:changed` });
  });
});

describe('FlagSnapshot', () => {
  it('reports additions, changes and removals once, and ignores rewrites with the same state', () => {
    const snap = new FlagSnapshot(new Map([['gone', true]]));
    expect(snap.replaceAll([flag('a', true), flag('gone', false)], 'refresh').map((c) => c.key)).toEqual([
      'a',
      'gone',
    ]);
    expect(snap.upsert(flag('a', true, { updatedAt: 9, updatedBy: 'again' }), 'notice')).toBeUndefined();
    expect(snap.get('a')?.updatedBy).toBe('again');
    const changes = snap.replaceAll([flag('a', false)], 'refresh');
    expect(changes.map((c) => [c.key, c.from, c.to, c.enabled])).toEqual([
      ['gone', false, null, true],
      ['a', true, false, false],
    ]);
    expect(snap.isEnabled('gone')).toBe(true);
    expect(snap.list().map((f) => f.key)).toEqual(['a']);
  });
});

describe('RedisFlagStore options', () => {
  const client = new Redis({ lazyConnect: true });
  afterAll(() => client.disconnect());

  it.each<[string, unknown, object, RegExp]>([
    ['a non-client', {}, {}, /`redis` must be an ioredis/],
    ['a prefix with a space', client, { prefix: 'my flags' }, /`prefix`/],
    ['an empty prefix', client, { prefix: '' }, /`prefix`/],
    ['commandTimeoutMs 0', client, { commandTimeoutMs: 0 }, /`commandTimeoutMs` must be an integer ≥ 1/],
  ])('refuses %s with a ConfigError naming it', (_what, redis, opts, message) => {
    expect(() => new RedisFlagStore(redis as Redis, opts)).toThrow(ConfigError);
    expect(() => new RedisFlagStore(redis as Redis, opts)).toThrow(message);
  });

  it('opens no connection at construction', () => {
    new RedisFlagStore(client);
    expect(client.status).toBe('wait');
  });
});

describe('flagProvider options', () => {
  it('refuses anything but FeatureFlags and a non-boolean stopOnClose', () => {
    expect(() => flagProvider({} as never)).toThrow(/`flags`/);
    const flags = new FeatureFlags({ registry: false });
    expect(() => flagProvider(flags, { stopOnClose: 'yes' as never })).toThrow(
      /`stopOnClose` must be a boolean/,
    );
    expect(flagProvider(flags).metadata).toEqual({ name: 'statuskit' });
  });
});
