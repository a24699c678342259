import type { Registry } from 'prom-client';
import { assertBreaker } from '../breaker/assertBreaker';
import type { CircuitBreaker } from '../breaker/CircuitBreaker';
import { ConfigError } from '../errors/ConfigError';
import { resolveRegistry } from '../metrics/registry';
import {
  assertFunction,
  assertNonEmptyString,
  assertOneOf,
  assertOptions,
  optionalNumber,
} from '../validation/assert';
import { JITTERS, type Jitter } from './backoffDelay';
import type { RetryBudget } from './RetryBudget';
import { retryCounters, type RetryCounters } from './retryCounters';
import { sleep } from './sleep';

/** What `fn` receives on each try. */
export interface RetryContext {
  /** 1 for the first try, 2 for the first retry, … */
  readonly attempt: number;
  /** The caller's `signal` (or, without one, a signal that never aborts): pass it to your I/O. */
  readonly signal: AbortSignal;
}

/** What `onRetry` receives (frozen). */
export interface RetryEvent {
  /** The try that just failed (1 = the first). */
  readonly attempt: number;
  /** How long `retry()` is about to wait before the next try, in ms. */
  readonly delayMs: number;
  /** The error that try failed with. */
  readonly error: unknown;
}

/** Options of `retry()` and `retryPolicy()`. */
export interface RetryOptions {
  /** Total tries, the first included (`1` = never retry; `Infinity` = until abort or budget). @default 3 */
  maxAttempts?: number;
  /** Delay scale in ms: `d = min(maxMs, baseMs · 2^(attempt−1))`. @default 100 */
  baseMs?: number;
  /** Cap on `d` and on decorrelated delays, in ms (≥ `baseMs`). @default 10000 */
  maxMs?: number;
  /**
   * Longest server-asked wait (`Retry-After`, `retryAfterMs`) honoured, in ms, even past `maxMs`.
   * A server asking for longer fails the call at once with `RetryExhaustedError` carrying
   * `retryAfterMs`, rather than retrying before the server is ready. @default 60000
   */
  maxRetryAfterMs?: number;
  /** How `d` is randomised: `'none'`, `'full'`, `'equal'`, `'additive'` or `'decorrelated'`. @default 'full' */
  jitter?: Jitter;
  /**
   * Whether a failed try may be retried. When it returns `false` the original error is rethrown at
   * once, not wrapped. @default every error is retried
   */
  retryIf?: (error: unknown, attempt: number) => boolean;
  /** Aborting it stops waiting at once; the call rejects with `signal.reason`. @default none */
  signal?: AbortSignal;
  /** Called with a frozen {@link RetryEvent} before each delay is awaited; a throw rejects the call. @default none */
  onRetry?: (event: RetryEvent) => void;
  /** Shared budget capping retries across calls; when spent → `BudgetExhaustedError`. @default none */
  budget?: RetryBudget;
  /** The `name` label of `statuskit_retry_attempts_total` and the name in error messages. @default 'default' */
  name?: string;
  /** Uniform random in [0, 1), for deterministic jitter in tests. @default Math.random */
  random?: () => number;
  /**
   * Waits `ms`, or rejects with the signal's reason when it aborts; for tests or custom timers.
   * @default an abortable setTimeout (kept ref'd, so a script awaiting a retry does not exit mid-wait)
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Where metrics go; `false` for none. @default prom-client's global registry */
  registry?: Registry | false;
  /**
   * Every try goes through this breaker, and no try goes into it while it is open: a call the
   * breaker refuses, or a failure that leaves it open, rejects at once with `BrokenCircuitError`
   * (`cause`: the last real failure), never waiting for a retry that would be refused. @default none
   */
  breaker?: CircuitBreaker;
}

/** Defaults of {@link RetryOptions}. */
export const RETRY_DEFAULTS = Object.freeze({
  maxAttempts: 3,
  baseMs: 100,
  maxMs: 10_000,
  maxRetryAfterMs: 60_000,
  jitter: 'full',
  retryIf: (): boolean => true,
  name: 'default',
  random: Math.random,
  sleep,
});

/** {@link RetryOptions} validated and with defaults applied. */
export interface ResolvedRetryOptions {
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
  readonly maxRetryAfterMs: number;
  readonly jitter: Jitter;
  readonly retryIf: (error: unknown, attempt: number) => boolean;
  readonly signal: AbortSignal | undefined;
  readonly onRetry: ((event: RetryEvent) => void) | undefined;
  readonly budget: RetryBudget | undefined;
  readonly name: string;
  readonly random: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly counters: RetryCounters;
  readonly breaker: CircuitBreaker | undefined;
}

function optionalFunction<F extends (...args: never[]) => unknown>(
  name: string,
  value: unknown,
): F | undefined {
  return value === undefined ? undefined : assertFunction<F>(name, value);
}

function assertSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined || value instanceof AbortSignal) return value;
  throw new ConfigError('signal', value, 'an AbortSignal');
}

/** Duck-typed, so a budget from a second copy of statuskit still works. */
function assertBudget(value: unknown): RetryBudget | undefined {
  const b = value as Partial<RetryBudget> | undefined;
  if (b === undefined || (typeof b?.deposit === 'function' && typeof b.tryWithdraw === 'function')) {
    return b as RetryBudget | undefined;
  }
  throw new ConfigError('budget', value, 'a RetryBudget');
}

/** Validates `opts` (throwing `ConfigError` naming the option) and applies {@link RETRY_DEFAULTS}. */
export function resolveRetryOptions(opts: RetryOptions | undefined): ResolvedRetryOptions {
  const o = assertOptions<RetryOptions>('retry options', opts);
  const d = RETRY_DEFAULTS;
  const maxAttempts = optionalNumber('maxAttempts', o.maxAttempts, d.maxAttempts, {
    min: 1,
    integer: true,
    allowInfinity: true,
  });
  const baseMs = optionalNumber('baseMs', o.baseMs, d.baseMs, { min: 0 });
  const maxMs = optionalNumber('maxMs', o.maxMs, d.maxMs, { min: 0 });
  if (maxMs < baseMs) throw new ConfigError('maxMs', maxMs, `≥ baseMs (${baseMs})`);
  const name = o.name === undefined ? d.name : assertNonEmptyString('name', o.name);
  return Object.freeze({
    maxAttempts,
    baseMs,
    maxMs,
    maxRetryAfterMs: optionalNumber('maxRetryAfterMs', o.maxRetryAfterMs, d.maxRetryAfterMs, { min: 0 }),
    jitter: o.jitter === undefined ? d.jitter : assertOneOf('jitter', o.jitter, JITTERS),
    retryIf: optionalFunction<ResolvedRetryOptions['retryIf']>('retryIf', o.retryIf) ?? d.retryIf,
    signal: assertSignal(o.signal),
    onRetry: optionalFunction<NonNullable<ResolvedRetryOptions['onRetry']>>('onRetry', o.onRetry),
    budget: assertBudget(o.budget),
    name,
    random: optionalFunction<() => number>('random', o.random) ?? d.random,
    sleep: optionalFunction<ResolvedRetryOptions['sleep']>('sleep', o.sleep) ?? d.sleep,
    counters: retryCounters(resolveRegistry(o.registry), name),
    breaker: assertBreaker('breaker', o.breaker),
  });
}
