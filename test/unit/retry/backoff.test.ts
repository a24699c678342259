import { backoffDelay, JITTERS, type Jitter } from '../../../src/retry/backoffDelay';
import { seededRandom, sequence } from './helpers';

const base = { baseMs: 1000, maxMs: 10_000 };

/** Three consecutive delays, threading `previous` through as `retry()` does. */
function schedule(jitter: Jitter, random: () => number, opts = base, n = 3): number[] {
  const out: number[] = [];
  let previous = opts.baseMs;
  for (let attempt = 1; attempt <= n; attempt++) {
    previous = backoffDelay(attempt, { ...opts, jitter, random }, previous);
    out.push(previous);
  }
  return out;
}

describe('backoffDelay', () => {
  it.each<[Jitter, number[]]>([
    ['none', [1000, 2000, 4000]],
    ['full', [250, 1000, 3000]],
    ['equal', [625, 1500, 3500]],
    ['additive', [1250, 3000, 7000]],
    ['decorrelated', [1500, 2750, 6437.5]],
  ])('gives the exact %s schedule for random draws 0.25, 0.5, 0.75', (jitter, expected) => {
    expect(schedule(jitter, sequence(0.25, 0.5, 0.75))).toEqual(expected);
  });

  it.each<[Jitter, Array<[number, number]>]>([
    [
      'none',
      [
        [1000, 1000],
        [2000, 2000],
        [4000, 4000],
      ],
    ],
    [
      'full',
      [
        [0, 1000],
        [0, 2000],
        [0, 4000],
      ],
    ],
    [
      'equal',
      [
        [500, 1000],
        [1000, 2000],
        [2000, 4000],
      ],
    ],
    [
      'additive',
      [
        [1000, 2000],
        [2000, 4000],
        [4000, 8000],
      ],
    ],
  ])('keeps %s delays within their bounds over 10,000 seeded draws', (jitter, bounds) => {
    const random = seededRandom(42);
    const seen = bounds.map(() => ({ min: Infinity, max: -Infinity }));
    for (let i = 0; i < 10_000; i++) {
      seen.forEach((s, index) => {
        const d = backoffDelay(index + 1, { ...base, jitter, random });
        s.min = Math.min(s.min, d);
        s.max = Math.max(s.max, d);
      });
    }
    seen.forEach(({ min, max }, index) => {
      const [low, high] = bounds[index];
      expect(min).toBeGreaterThanOrEqual(low);
      if (low === high) expect(max).toBe(high);
      else {
        expect(max).toBeLessThan(high);
        // …and the draws fill the range: within 1 % of each end.
        expect(min).toBeLessThan(low + (high - low) / 100);
        expect(max).toBeGreaterThan(high - (high - low) / 100);
      }
    });
  });

  it('keeps decorrelated delays between baseMs and min(maxMs, 3 × previous) over 10,000 seeded draws', () => {
    const random = seededRandom(7);
    let violations = 0;
    for (let run = 0; run < 2000; run++) {
      let previous = base.baseMs;
      for (let attempt = 1; attempt <= 5; attempt++) {
        const d = backoffDelay(attempt, { ...base, jitter: 'decorrelated', random }, previous);
        if (d < base.baseMs || d > Math.min(base.maxMs, 3 * previous)) violations++;
        previous = d;
      }
    }
    expect(violations).toBe(0);
  });

  it('spreads full jitter over the whole range rather than clustering', () => {
    const random = seededRandom(1);
    const draws = Array.from({ length: 10_000 }, () => backoffDelay(1, { ...base, jitter: 'full', random }));
    const lowHalf = draws.filter((d) => d < 500).length;
    expect(lowHalf).toBeGreaterThan(4500);
    expect(lowHalf).toBeLessThan(5500);
  });

  it('caps the exponential term at maxMs', () => {
    const opts = { baseMs: 100, maxMs: 1000, jitter: 'none' as const };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, opts))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(5000, opts)).toBe(1000);
  });

  it('caps decorrelated delays at maxMs', () => {
    expect(
      backoffDelay(9, { baseMs: 100, maxMs: 1000, jitter: 'decorrelated', random: () => 0.99 }, 900),
    ).toBe(1000);
  });

  it('never returns NaN or undefined for any mode, even at absurd attempt numbers', () => {
    for (const jitter of JITTERS) {
      const d = backoffDelay(10_000, { baseMs: 100, maxMs: 5000, jitter, random: () => 0.5 }, 5000);
      expect(Number.isFinite(d)).toBe(true);
    }
  });

  it('rejects an unknown jitter from JavaScript callers instead of returning undefined', () => {
    expect(() => backoffDelay(1, { ...base, jitter: 'fuul' as Jitter })).toThrow('unknown jitter "fuul"');
  });
});
