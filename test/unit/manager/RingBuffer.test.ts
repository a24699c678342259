import { RingBuffer } from '../../../src/manager/RingBuffer';

describe('RingBuffer', () => {
  it('keeps the newest items up to its capacity, newest first', () => {
    const ring = new RingBuffer<number>(3);
    expect(ring.toArray()).toEqual([]);
    expect(ring.newest()).toBeUndefined();
    for (let i = 1; i <= 7; i++) ring.push(i);
    expect(ring.toArray()).toEqual([7, 6, 5]);
    expect(ring.size).toBe(3);
    expect(ring.newest()).toBe(7);
  });

  it('lists a partly filled buffer in order, and again after wrapping at every position', () => {
    const ring = new RingBuffer<string>(4);
    ring.push('a');
    ring.push('b');
    expect(ring.toArray()).toEqual(['b', 'a']);
    const seen: string[] = ['b', 'a'];
    for (const item of ['c', 'd', 'e', 'f', 'g']) {
      ring.push(item);
      seen.unshift(item);
      expect(ring.toArray()).toEqual(seen.slice(0, 4));
    }
  });

  it('with capacity 1 holds only the latest item', () => {
    const ring = new RingBuffer<number>(1);
    ring.push(1);
    ring.push(2);
    expect(ring.toArray()).toEqual([2]);
  });

  it('with capacity 0 holds nothing', () => {
    const ring = new RingBuffer<number>(0);
    ring.push(1);
    expect(ring.size).toBe(0);
    expect(ring.toArray()).toEqual([]);
    expect(ring.newest()).toBeUndefined();
  });

  it('returns a new array each time: callers cannot change what it holds', () => {
    const ring = new RingBuffer<number>(2);
    ring.push(1);
    ring.toArray().push(99);
    expect(ring.toArray()).toEqual([1]);
  });
});
