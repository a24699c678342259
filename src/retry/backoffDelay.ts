/** How a retry delay is randomised, so that many clients retrying together spread out. */
export type Jitter = 'none' | 'full' | 'equal' | 'additive' | 'decorrelated';

/** Every jitter mode. */
export const JITTERS: readonly Jitter[] = Object.freeze([
  'none',
  'full',
  'equal',
  'additive',
  'decorrelated',
] as const);

/** Inputs of {@link backoffDelay}. */
export interface BackoffOptions {
  /** Base delay in ms. */
  baseMs: number;
  /** Cap on the exponential term (and on decorrelated delays), in ms. */
  maxMs: number;
  /** How the delay is randomised. */
  jitter: Jitter;
  /** Uniform random in [0, 1). @default Math.random */
  random?: () => number;
}

/**
 * The delay before retry number `attempt` (1 = the first retry), with
 * `d = min(maxMs, baseMs · 2^(attempt−1))`:
 * `'none'` → `d`; `'full'` → uniform `[0, d)`; `'equal'` → uniform `[d/2, d)`;
 * `'additive'` → `d + uniform[0, d)` (1–2 s, 2–4 s, 4–8 s with base 1000);
 * `'decorrelated'` → `min(maxMs, uniform[baseMs, 3·previous))`, `previous` starting at `baseMs`.
 *
 * Pure: pass the previous delay for `'decorrelated'`.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions, previousMs?: number): number {
  const random = opts.random ?? Math.random;
  // 0 · 2^1024 is NaN (0 · Infinity): a zero base stays zero however many retries came before.
  const d = opts.baseMs === 0 ? 0 : Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  switch (opts.jitter) {
    case 'none':
      return d;
    case 'full':
      return random() * d;
    case 'equal':
      return d / 2 + random() * (d / 2);
    case 'additive':
      return d + random() * d;
    case 'decorrelated': {
      const prev = previousMs ?? opts.baseMs;
      const upper = Math.max(opts.baseMs, 3 * prev);
      return Math.min(opts.maxMs, opts.baseMs + random() * (upper - opts.baseMs));
    }
    default: {
      // Unreachable from TypeScript; a JavaScript caller's typo must not become an `undefined` delay.
      const unknown: never = opts.jitter;
      throw new TypeError(`unknown jitter ${JSON.stringify(unknown)}`);
    }
  }
}
