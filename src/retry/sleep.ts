import { delay } from '../timing/delay';

/**
 * Resolves after `ms`; rejects with the signal's reason as soon as `signal` aborts, removing its
 * listener either way.
 *
 * Unlike `timing/delay`, the timer is NOT `unref()`'d, on purpose: the caller is awaiting the
 * retried result, and an unref'd wait lets a script's process exit silently mid-retry (p-retry's
 * `unref` defaults to `false` for the same reason). The wait is bounded by `maxMs`, so it can never
 * keep a process alive for long. Pass `sleep: delay` to get an unref'd one.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, signal, { unref: false });
}
