/** What {@link timed} measured: the result or the error, and how long the call took. */
export interface Timed<T> {
  result: T;
  error?: unknown;
  ms: number;
}

/** Runs `fn`, never throwing: the result (or the rejection) and the elapsed wall time in ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<Timed<T>> {
  const start = performance.now();
  try {
    const result = await fn();
    return { result, ms: performance.now() - start };
  } catch (error) {
    return { result: undefined as T, error, ms: performance.now() - start };
  }
}
