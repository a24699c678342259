import { TimeoutError } from '../errors/TimeoutError';

/** Handed to functions that declare no parameter (they cannot read it). */
const NEVER_ABORTED = new AbortController().signal;

/**
 * Runs `fn` with an `AbortSignal` that aborts after `timeoutMs` (0 = no timeout) or when `parent`
 * aborts. Settles within `timeoutMs` plus a tick however `fn` behaves: a promise that never settles
 * is abandoned (its late rejection is swallowed), never awaited.
 */
export function withTimeout<T>(
  fn: (signal: AbortSignal) => T | PromiseLike<T>,
  timeoutMs: number,
  what = 'operation',
  parent?: AbortSignal,
): Promise<T> {
  // A function that declares no parameter cannot use the signal: skip the controller, which is a
  // measurable share of a Redis round trip on the hot paths that call this per command.
  const controller = fn.length > 0 ? new AbortController() : undefined;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      if (timer) clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
      return true;
    };
    const onParentAbort = (): void => {
      if (!finish()) return;
      controller?.abort(parent?.reason);
      reject(parent?.reason ?? new DOMException('This operation was aborted', 'AbortError'));
    };
    if (parent?.aborted) return onParentAbort();
    parent?.addEventListener('abort', onParentAbort, { once: true });
    if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
      timer = setTimeout(() => {
        if (!finish()) return;
        const err = new TimeoutError(what, timeoutMs);
        controller?.abort(err);
        reject(err);
      }, timeoutMs);
      timer.unref?.();
    }
    let result: T | PromiseLike<T>;
    try {
      result = fn(controller?.signal ?? NEVER_ABORTED);
    } catch (err) {
      if (finish()) reject(err);
      return;
    }
    Promise.resolve(result).then(
      (v) => {
        if (finish()) resolve(v);
      },
      (err) => {
        if (finish()) reject(err);
      },
    );
  });
}
