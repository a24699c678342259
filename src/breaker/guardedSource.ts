import type { FallbackSource, SourceContext } from '../fallback/FallbackOptions';
import type { CircuitBreaker } from './CircuitBreaker';

/**
 * Settles as `work` does, or rejects with the signal's reason as soon as `signal` aborts: a source
 * that ignores its signal still ends for the breaker at the fallback's timeout, and counts as the
 * failure it is, instead of holding a half-open trial forever.
 */
function untilAborted<T>(work: T | PromiseLike<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(work).then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * A fallback source behind a breaker: while the breaker is open the source rejects at once with
 * `BrokenCircuitError` (the chain moves on to its next tier without waiting `sourceTimeoutMs`), and
 * every answer, error and timeout of the source counts towards the breaker.
 */
export function guardedSource<T, A extends unknown[]>(
  fn: FallbackSource<T, A>,
  breaker: CircuitBreaker,
): FallbackSource<T, A> {
  return (...argsAndContext: [...A, SourceContext]) => {
    const ctx = argsAndContext[argsAndContext.length - 1] as SourceContext;
    return breaker.execute(() => untilAborted(fn(...argsAndContext), ctx.signal));
  };
}
