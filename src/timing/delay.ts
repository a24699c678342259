/**
 * Resolves after `ms` (an `unref`'d timer unless `unref: false`, so by default it never keeps the
 * process alive); rejects with the signal's reason as soon as `signal` aborts, removing its
 * listener either way.
 */
export function delay(ms: number, signal?: AbortSignal, opts?: { unref?: boolean }): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (opts?.unref !== false) timer.unref?.();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The abort reason of `signal`, or a standard `AbortError` when it has none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
