import { deserializeEntry, serializeEntry } from '../../../src/cache/jsonEntry';
import { withHashTag } from '../../../src/cache/RedisCache';
import { UnserializableValueError } from '../../../src/cache/UnserializableValueError';
import { ConfigError } from '../../../src/errors/ConfigError';
import { isStatuskitError } from '../../../src/errors/StatuskitError';

describe('cache entry serialisation', () => {
  it('round-trips a plain JSON value with its stored-at time and ttl', () => {
    const entry = {
      value: { id: 1, tags: ['a', null], nested: { ok: true, n: -1.5 } },
      storedAt: 123,
      ttlMs: 456,
    };
    expect(deserializeEntry('k', serializeEntry('k', entry))).toEqual(entry);
  });

  it('round-trips an infinite ttl', () => {
    const entry = { value: 'x', storedAt: 1, ttlMs: Infinity };
    expect(deserializeEntry('k', serializeEntry('k', entry))).toEqual(entry);
  });

  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  it.each([
    ['a function', { fn: () => 1 }, 'value.fn is a function'],
    ['a BigInt', { n: 10n }, 'value.n is a BigInt'],
    ['a cycle', cyclic, 'value.self is a circular reference'],
    ['a Date', { at: new Date(0) }, 'value.at is a Date'],
    ['a Map', [new Map()], 'value[0] is a Map'],
    ['undefined', { list: [1, undefined] }, 'value.list[1] is undefined'],
    ['NaN', { 'odd key': NaN }, 'value["odd key"] is NaN'],
    ['a symbol', Symbol('s'), 'value is a symbol'],
  ])('refuses %s with an error naming where it is', (_what, value, message) => {
    let thrown: unknown;
    try {
      serializeEntry('user:1', { value, storedAt: 0, ttlMs: 1 });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UnserializableValueError);
    expect(isStatuskitError(thrown)).toBe(true);
    expect((thrown as Error).message).toContain(message);
    expect((thrown as Error).message).toContain('"user:1"');
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(() => serializeEntry('k', { value: [shared, shared], storedAt: 0, ttlMs: 1 })).not.toThrow();
  });

  it.each(['not json', '{"v":1}', '{"s":1,"t":2}', 'null', '{"v":1,"s":"1","t":2}'])(
    'refuses to read %p as an entry',
    (text) => {
      expect(() => deserializeEntry('k', text)).toThrow('is not a statuskit cache entry');
    },
  );
});

describe('withHashTag', () => {
  it.each([
    ['statuskit:cache:', 'statuskit:{cache}:'],
    ['shop:products:', 'shop:{products}:'],
    ['shop', '{shop}'],
    ['app:{mine}:cache:', 'app:{mine}:cache:'],
  ])('turns prefix %p into %p', (prefix, expected) => {
    expect(withHashTag(prefix)).toBe(expected);
  });

  it.each(['', ':::', 'a:{}:', 'a:{open:'])('rejects prefix %p', (prefix) => {
    expect(() => withHashTag(prefix)).toThrow(ConfigError);
  });
});
