import {
  iqr,
  median,
  pairedDeltas,
  pairedRatios,
  quantile,
  ratio,
  summarize,
} from '../../../bench/lib/stats';

describe('benchmark statistics', () => {
  it('takes the middle value as the median of an odd-sized sample, whatever the order', () => {
    expect(median([9, 1, 5])).toBe(5);
  });

  it('averages the two middle values as the median of an even-sized sample', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('interpolates quartiles between ranks like numpy and R (type 7)', () => {
    const sample = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(quantile(sample, 0.25)).toBeCloseTo(2.75, 10);
    expect(quantile(sample, 0.75)).toBeCloseTo(6.25, 10);
    expect(iqr(sample)).toBeCloseTo(3.5, 10);
  });

  it('gives the interquartile range of a constant sample as 0', () => {
    expect(iqr([7, 7, 7, 7])).toBe(0);
  });

  it('reports NaN for the median of an empty sample instead of inventing a figure', () => {
    expect(median([])).toBeNaN();
    expect(summarize([]).n).toBe(0);
  });

  it('ignores non-finite values (a failed round) rather than letting them skew the median', () => {
    expect(median([1, Number.NaN, 3, Number.POSITIVE_INFINITY, 2])).toBe(2);
  });

  it('rejects a quantile outside [0, 1]', () => {
    expect(() => quantile([1, 2], 1.5)).toThrow(RangeError);
  });

  it('divides two figures, and gives NaN rather than Infinity when the baseline is zero', () => {
    expect(ratio(97, 100)).toBeCloseTo(0.97, 10);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
  });

  it('summarises a sample with its median, quartiles and range', () => {
    expect(summarize([5, 1, 4, 2, 3])).toEqual({ n: 5, median: 3, q1: 2, q3: 4, iqr: 2, min: 1, max: 5 });
  });

  it('compares two series round by round, so drift shared by both rounds cancels', () => {
    const bare = [100, 200, 50];
    const kit = [98, 196, 49];
    expect(pairedRatios(kit, bare)).toEqual([0.98, 0.98, 0.98]);
    expect(pairedDeltas(kit, bare)).toEqual([-2, -4, -1]);
  });

  it('refuses to pair series of different lengths', () => {
    expect(() => pairedRatios([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedDeltas([1], [1, 2])).toThrow(RangeError);
  });
});
