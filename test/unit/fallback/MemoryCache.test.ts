import { MemoryCache } from '../../../src/cache/MemoryCache';
import { ConfigError } from '../../../src/errors/ConfigError';
import { clock } from '../../support/clock';

const entry = (value: unknown, storedAt = 0) => ({ value, storedAt, ttlMs: 1000 });

describe('MemoryCache', () => {
  it('returns what was stored, and undefined for a key never stored', async () => {
    const cache = new MemoryCache();
    await cache.set('a', entry({ id: 1 }), 1000);
    expect(await cache.get('a')).toEqual(entry({ id: 1 }));
    expect(await cache.get('b')).toBeUndefined();
    expect(cache.peek('a')?.value).toEqual({ id: 1 });
  });

  it('drops an entry once its time to live has passed', async () => {
    const c = clock(1_000_000);
    const cache = new MemoryCache({ now: c.now });
    await cache.set('a', entry(1), 500);
    c.advance(499);
    expect(await cache.get('a')).toBeDefined();
    c.advance(1);
    expect(await cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps an entry stored with an infinite time to live until it is evicted', async () => {
    const c = clock(1_000_000);
    const cache = new MemoryCache({ now: c.now, maxEntries: 1 });
    await cache.set('a', entry(1), Infinity);
    c.advance(1e12);
    expect(await cache.get('a')).toBeDefined();
    await cache.set('b', entry(2), Infinity);
    expect(await cache.get('a')).toBeUndefined();
  });

  it('does not store an entry whose time to live is zero, and removes the old one', async () => {
    const cache = new MemoryCache();
    await cache.set('a', entry(1), 1000);
    await cache.set('a', entry(2), 0);
    expect(await cache.get('a')).toBeUndefined();
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const cache = new MemoryCache({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) await cache.set(k, entry(k), 1000);
    await cache.get('a'); // a is now the most recently used; b the least
    await cache.set('d', entry('d'), 1000);
    expect(cache.size).toBe(3);
    expect(await cache.get('b')).toBeUndefined();
    for (const k of ['a', 'c', 'd']) expect((await cache.get(k))?.value).toBe(k);
  });

  it('keeps the entries read most recently through many evictions', async () => {
    const cache = new MemoryCache({ maxEntries: 100 });
    for (let i = 0; i < 100; i++) await cache.set(`k${i}`, entry(i), 1000);
    for (let round = 0; round < 50; round++) {
      for (const k of ['k7', 'k42']) expect((await cache.get(k))?.value).toBe(Number(k.slice(1)));
      for (let i = 0; i < 20; i++) await cache.set(`r${round}:${i}`, entry(i), 1000);
    }
    expect(cache.size).toBe(100);
    expect(await cache.get('k0')).toBeUndefined();
    expect((await cache.get('r49:19'))?.value).toBe(19);
    expect(await cache.get('r45:0')).toBeUndefined();
  });

  it('overwriting a key does not grow the cache', async () => {
    const cache = new MemoryCache({ maxEntries: 2 });
    await cache.set('a', entry(1), 1000);
    await cache.set('a', entry(2), 1000);
    await cache.set('b', entry(3), 1000);
    expect(cache.size).toBe(2);
    expect((await cache.get('a'))?.value).toBe(2);
  });

  it('deletes one key and clears all', async () => {
    const cache = new MemoryCache();
    await cache.set('a', entry(1), 1000);
    await cache.set('b', entry(2), 1000);
    await cache.delete('a');
    expect(await cache.get('a')).toBeUndefined();
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it.each([
    [{ maxEntries: 0 }, 'maxEntries'],
    [{ maxEntries: 1.5 }, 'maxEntries'],
    [{ maxEntries: '10' }, 'maxEntries'],
    [{ maxEntries: 2 ** 24 + 1 }, 'maxEntries'],
    [{ now: 5 }, 'now'],
  ])('rejects %p at construction naming the option', (opts, option) => {
    expect(() => new MemoryCache(opts as never)).toThrow(ConfigError);
    expect(() => new MemoryCache(opts as never)).toThrow(`\`${option}\``);
  });

  it('uses 10000 entries by default', () => {
    expect(new MemoryCache().maxEntries).toBe(10_000);
  });
});
