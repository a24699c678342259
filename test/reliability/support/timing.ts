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

/** Resolves once `predicate()` holds (polling every 25 ms; a throw counts as "not yet"); rejects after `timeoutMs`. */
export async function waitUntil(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let ok = false;
    try {
      ok = await predicate();
    } catch {
      ok = false;
    }
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
