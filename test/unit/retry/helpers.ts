/** Test helpers for the retry suites (not a test file). */

/** A seeded PRNG (mulberry32): uniform in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A `random` that returns `values` in order, then repeats the last one. */
export function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)];
}

/** An error shaped like an HTTP client's (fetch wrappers, axios, got). */
export function httpError(
  status: number,
  headers: unknown,
  where: 'headers' | 'response' = 'headers',
): Error {
  const err = new Error(`HTTP ${status}`) as Error & Record<string, unknown>;
  if (where === 'headers') Object.assign(err, { status, headers });
  else Object.assign(err, { response: { status, headers } });
  return err;
}

/**
 * A function that fails `failures` times (with `error(n)`), then resolves `value`; `calls` holds
 * the fake-clock time of each try.
 */
export function flaky<T>(
  failures: number,
  value: T,
  error: (n: number) => unknown = (n) => new Error(`failure ${n}`),
): { fn: () => Promise<T>; calls: number[] } {
  const calls: number[] = [];
  const fn = async (): Promise<T> => {
    calls.push(Date.now());
    if (calls.length <= failures) throw error(calls.length);
    return value;
  };
  return { fn, calls };
}

/** Gaps between consecutive entries. */
export function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]);
}
