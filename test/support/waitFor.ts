/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long. @default 5000 */
  timeoutMs?: number;
  /** Pause between two tries. @default 20 */
  intervalMs?: number;
  /** What is awaited, for the failure message. @default 'condition' */
  what?: string;
  /** Treat a throwing predicate as "not yet" instead of failing at once. @default false */
  ignoreErrors?: boolean;
  /** Extra context appended to the failure message (e.g. a child's stderr), read when it fails. */
  detail?: () => string;
}

/** Defaults of {@link WaitForOptions}. */
export const WAIT_FOR_DEFAULTS = {
  timeoutMs: 5000,
  intervalMs: 20,
  what: 'condition',
  ignoreErrors: false,
} as const;

/**
 * Polls `predicate` (sync or async) until it returns true; rejects once `timeoutMs` has passed
 * with a message naming `what`, the bound and the last error the predicate threw, if any.
 * Resolves with the elapsed milliseconds.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  options: WaitForOptions = {},
): Promise<number> {
  const { timeoutMs, intervalMs, what, ignoreErrors } = { ...WAIT_FOR_DEFAULTS, ...options };
  const start = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      if (await predicate()) return Date.now() - start;
    } catch (err) {
      if (!ignoreErrors) throw err;
      lastError = err;
    }
    if (Date.now() - start > timeoutMs) {
      const cause =
        lastError === undefined
          ? ''
          : `; last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)}`;
      const detail = options.detail ? `; ${options.detail()}` : '';
      throw new Error(`${what} not met within ${timeoutMs} ms${cause}${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
