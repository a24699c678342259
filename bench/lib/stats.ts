/**
 * Order statistics for benchmark rounds. Benchmarks on a shared machine are noisy, so every figure
 * we report is a median with its interquartile range, and every comparison is made round by round
 * (A and B measured back to back) before it is summarised.
 */

/** A sample summarised by its order statistics. */
export interface Summary {
  /** Number of values. */
  n: number;
  median: number;
  /** First quartile (25th percentile). */
  q1: number;
  /** Third quartile (75th percentile). */
  q3: number;
  /** `q3 - q1`: the spread of the middle half. */
  iqr: number;
  min: number;
  max: number;
}

function sorted(values: readonly number[]): number[] {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.sort((a, b) => a - b);
}

/**
 * The `p`-quantile (0 ≤ p ≤ 1) with linear interpolation between closest ranks (the method of
 * numpy's default and R's type 7). `NaN` for an empty sample; non-finite values are ignored.
 */
export function quantile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be within [0, 1], got ${p}`);
  const s = sorted(values);
  if (s.length === 0) return Number.NaN;
  const rank = p * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}

/** The median: the middle value, or the mean of the two middle values. `NaN` when empty. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Interquartile range: `quantile(0.75) - quantile(0.25)`. `NaN` when empty. */
export function iqr(values: readonly number[]): number {
  return quantile(values, 0.75) - quantile(values, 0.25);
}

/** `a / b`, or `NaN` when `b` is 0 or either side is not finite (never `Infinity`). */
export function ratio(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return Number.NaN;
  return a / b;
}

/** Median, quartiles and range of a sample. */
export function summarize(values: readonly number[]): Summary {
  const s = sorted(values);
  const q1 = quantile(s, 0.25);
  const q3 = quantile(s, 0.75);
  return {
    n: s.length,
    median: quantile(s, 0.5),
    q1,
    q3,
    iqr: q3 - q1,
    min: s.length === 0 ? Number.NaN : s[0],
    max: s.length === 0 ? Number.NaN : s[s.length - 1],
  };
}

/**
 * Round-by-round ratios `a[i] / b[i]` of two series measured in the same rounds, so drift that
 * hits both sides of a round cancels out. The series must have the same length.
 */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new RangeError(`series differ in length: ${a.length} vs ${b.length}`);
  return a.map((v, i) => ratio(v, b[i]));
}

/** Round-by-round differences `a[i] - b[i]` of two series measured in the same rounds. */
export function pairedDeltas(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new RangeError(`series differ in length: ${a.length} vs ${b.length}`);
  return a.map((v, i) => v - b[i]);
}

/** A copy of `list` in a random order drawn from `seed` (mulberry32 + Fisher–Yates). */
export function shuffled<T>(list: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
