import { BrokenCircuitError } from '../errors/BrokenCircuitError';
import { BudgetExhaustedError } from '../errors/BudgetExhaustedError';
import { ConfigError } from '../errors/ConfigError';
import { RetryExhaustedError } from '../errors/RetryExhaustedError';
import { abortReason } from '../timing/delay';
import { backoffDelay } from './backoffDelay';
import { retryAfterMs } from './retryAfter';
import {
  resolveRetryOptions,
  type ResolvedRetryOptions,
  type RetryContext,
  type RetryOptions,
} from './RetryOptions';

/** The function `retry()` calls: one try per call. */
export type RetryFunction<T> = (ctx: RetryContext) => Promise<T> | T;

/** Options that may differ per call of a {@link RetryPolicy}. */
export interface ExecuteOptions {
  /** Replaces the policy's `signal` for this call. @default the policy's signal */
  signal?: AbortSignal;
}

/** Options validated once, for hot paths: `policy.execute(fn)` behaves as `retry(fn, opts)`. */
export interface RetryPolicy {
  /** Runs `fn` with the policy's retries. */
  execute<T>(fn: RetryFunction<T>, opts?: ExecuteOptions): Promise<T>;
}

/** What the loop decided after a failed try: wait `delayMs`, or throw `error`. */
type Decision = { delayMs: number } | { error: unknown };

/**
 * Decides what follows failed try number `attempt`. Order matters: a non-retryable error is
 * rethrown as is even on the last try; the budget is only charged for a retry that will happen.
 */
function decide(o: ResolvedRetryOptions, error: unknown, attempt: number, previousMs: number): Decision {
  if (!o.retryIf(error, attempt)) return { error };
  if (o.breaker !== undefined) {
    if (error instanceof BrokenCircuitError && error.breaker === o.breaker.name) return { error };
    // The next try would be refused: fail now rather than after a backoff spent for nothing.
    if (o.breaker.state === 'open') return { error: new BrokenCircuitError(o.breaker.name, 'open', error) };
  }
  if (attempt >= o.maxAttempts) {
    o.counters.exhausted.inc();
    return { error: new RetryExhaustedError(attempt, error, o.name) };
  }
  if (o.budget && !o.budget.tryWithdraw()) {
    o.counters.budget.inc();
    return { error: new BudgetExhaustedError(attempt, error, o.name) };
  }
  const asked = retryAfterMs(error);
  if (asked !== undefined && asked > o.maxRetryAfterMs) {
    // Retrying sooner than the server asked is refused anyway; waiting that long is not ours to do.
    o.counters.exhausted.inc();
    return {
      error: new RetryExhaustedError(attempt, error, o.name, {
        retryAfterMs: asked,
        maxRetryAfterMs: o.maxRetryAfterMs,
      }),
    };
  }
  const delayMs = asked ?? backoffDelay(attempt, o, previousMs);
  // Whole ms: timers have ms resolution anyway, and floor keeps every jitter bound (`< d` stays `< d`).
  return { delayMs: Math.floor(delayMs) };
}

async function run<T>(o: ResolvedRetryOptions, fn: RetryFunction<T>, callerSignal?: AbortSignal): Promise<T> {
  // Without a caller signal `fn` still gets one (`ctx.signal` is always set); per call, so listeners never pile up.
  const signal = callerSignal ?? new AbortController().signal;
  o.budget?.deposit();
  let previousMs = o.baseMs;
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) throw abortReason(signal);
    try {
      const ctx = { attempt, signal };
      const value = await (o.breaker === undefined ? fn(ctx) : o.breaker.execute(() => fn(ctx)));
      o.counters.success.inc();
      return value;
    } catch (error) {
      // An abort wins over whatever `fn` failed with: the caller asked to stop, not to be told why.
      if (signal.aborted) throw abortReason(signal);
      const next = decide(o, error, attempt, previousMs);
      if ('error' in next) throw next.error;
      previousMs = next.delayMs;
      o.onRetry?.(Object.freeze({ attempt, delayMs: next.delayMs, error }));
      o.counters.retry.inc();
      await o.sleep(next.delayMs, signal);
    }
  }
}

/**
 * Validates `opts` once (throwing `ConfigError` naming the option) and returns a policy whose
 * `execute(fn)` retries like {@link retry}. Use it on hot paths, where `retry()` would re-validate
 * its options on every call.
 *
 * @example
 * const charging = retryPolicy({ maxAttempts: 4, baseMs: 1000, jitter: 'additive', name: 'payments' });
 * app.post('/orders', async (req, res) => res.json(await charging.execute(() => charge(req.body))));
 */
export function retryPolicy(opts?: RetryOptions): RetryPolicy {
  const options = resolveRetryOptions(opts);
  return Object.freeze({
    execute<T>(fn: RetryFunction<T>, callOpts?: ExecuteOptions): Promise<T> {
      if (typeof fn !== 'function') return Promise.reject(new ConfigError('fn', fn, 'a function'));
      return run(options, fn, callOpts?.signal ?? options.signal);
    },
  });
}

/**
 * Calls `fn` until it resolves, up to `maxAttempts` tries, waiting a jittered exponential backoff
 * (or the server's `Retry-After`, up to `maxRetryAfterMs`, even past `maxMs`) between tries.
 *
 * Rejects with:
 * - `RetryExhaustedError` (`attempts`, `cause` = the last error) after the last try, or at once
 *   when the server asks to wait longer than `maxRetryAfterMs` (then `retryAfterMs` says how long);
 * - `BudgetExhaustedError` (`cause` = the error that would have been retried) when `budget` is spent;
 * - the original error, unwrapped, when `retryIf` returns `false`;
 * - `signal.reason`, unwrapped, as soon as `signal` aborts (also during a delay);
 * - `ConfigError` for an invalid option (validated on each call: prefer {@link retryPolicy} on hot paths).
 *
 * @example
 * const receipt = await retry(({ signal }) => payments.charge(order, { signal }), {
 *   maxAttempts: 4,
 *   baseMs: 1000,
 *   jitter: 'additive',
 *   name: 'payments',
 * });
 */
export function retry<T>(fn: RetryFunction<T>, opts?: RetryOptions): Promise<T> {
  let policy: RetryPolicy;
  try {
    policy = retryPolicy(opts);
  } catch (err) {
    return Promise.reject(err);
  }
  return policy.execute(fn);
}
