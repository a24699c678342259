import { BudgetExhaustedError } from '../../../src/errors/BudgetExhaustedError';
import { RetryExhaustedError } from '../../../src/errors/RetryExhaustedError';
import { isStatuskitError } from '../../../src/errors/StatuskitError';
import { retry, retryPolicy } from '../../../src/retry/retry';
import { RetryBudget } from '../../../src/retry/RetryBudget';
import type { RetryContext, RetryEvent } from '../../../src/retry/RetryOptions';
import { flaky } from './helpers';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const quiet = { registry: false as const, jitter: 'none' as const, baseMs: 1000 };

describe('retry()', () => {
  it('returns the first successful result without waiting', async () => {
    const fn = jest.fn(async () => 42);
    await expect(retry(fn, quiet)).resolves.toBe(42);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('passes the attempt number and the caller’s signal to fn', async () => {
    const controller = new AbortController();
    const seen: RetryContext[] = [];
    const { fn } = flaky(2, 'ok');
    const result = retry(
      async (ctx) => {
        seen.push(ctx);
        return fn();
      },
      { ...quiet, signal: controller.signal },
    );
    await jest.advanceTimersByTimeAsync(3000);
    await expect(result).resolves.toBe('ok');
    expect(seen.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(seen.every((c) => c.signal === controller.signal)).toBe(true);
  });

  it('gives fn a signal that never aborts when the caller passes none', async () => {
    let signal: AbortSignal | undefined;
    await retry(async (ctx) => {
      signal = ctx.signal;
    }, quiet);
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal!.aborted).toBe(false);
  });

  it('throws RetryExhaustedError with the attempts and the last error as cause', async () => {
    const { fn } = flaky(10, 'never');
    const result = retry(fn, { ...quiet, maxAttempts: 3, name: 'payments' });
    const settled = expect(result).rejects.toBeInstanceOf(RetryExhaustedError);
    await jest.advanceTimersByTimeAsync(3000);
    await settled;
    const err = (await result.catch((e: unknown) => e)) as RetryExhaustedError;
    expect(err.attempts).toBe(3);
    expect((err.cause as Error).message).toBe('failure 3');
    expect(err.message).toBe('"payments" failed after 3 attempts');
    expect(isStatuskitError(err, 'ERR_STATUSKIT_RETRY_EXHAUSTED')).toBe(true);
  });

  it('with maxAttempts 1 tries once and never waits', async () => {
    const { fn, calls } = flaky(1, 'x');
    await expect(retry(fn, { ...quiet, maxAttempts: 1 })).rejects.toMatchObject({ attempts: 1 });
    expect(calls).toHaveLength(1);
  });

  it('rethrows the original error at once when retryIf returns false', async () => {
    const original = new Error('card declined');
    const retryIf = jest.fn((err: unknown) => err !== original);
    const fn = jest.fn(async () => {
      throw original;
    });
    await expect(retry(fn, { ...quiet, retryIf })).rejects.toBe(original);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(retryIf).toHaveBeenCalledWith(original, 1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('asks retryIf about each failed attempt and stops at the first “no”', async () => {
    const { fn, calls } = flaky(5, 'x', (n) => Object.assign(new Error(`e${n}`), { transient: n < 2 }));
    const result = retry(fn, {
      ...quiet,
      maxAttempts: 5,
      retryIf: (e) => (e as { transient: boolean }).transient,
    });
    const settled = expect(result).rejects.toThrow('e2');
    await jest.advanceTimersByTimeAsync(1000);
    await settled;
    expect(calls).toHaveLength(2);
  });

  it('calls onRetry with a frozen context before the delay starts', async () => {
    const events: RetryEvent[] = [];
    let timersWhenCalled = -1;
    const error = new Error('503');
    const fn = jest.fn().mockRejectedValueOnce(error).mockResolvedValueOnce('ok');
    const result = retry(fn, {
      ...quiet,
      onRetry: (e) => {
        events.push(e);
        timersWhenCalled = jest.getTimerCount();
      },
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(events).toEqual([{ attempt: 1, delayMs: 1000, error }]);
    expect(Object.isFrozen(events[0])).toBe(true);
    expect(timersWhenCalled).toBe(0); // the delay's timer did not exist yet
    expect(fn).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1000);
    await expect(result).resolves.toBe('ok');
  });

  it('rejects with the error onRetry throws, without retrying', async () => {
    const { fn, calls } = flaky(3, 'x');
    const stop = new Error('stop');
    await expect(
      retry(fn, {
        ...quiet,
        onRetry: () => {
          throw stop;
        },
      }),
    ).rejects.toBe(stop);
    expect(calls).toHaveLength(1);
  });

  it('accepts a function that returns a plain value or throws synchronously', async () => {
    await expect(retry(() => 'sync', quiet)).resolves.toBe('sync');
    const result = retry(({ attempt }) => {
      if (attempt === 1) throw new Error('sync throw');
      return Promise.resolve('second');
    }, quiet);
    await jest.advanceTimersByTimeAsync(1000);
    await expect(result).resolves.toBe('second');
  });
});

describe('retry() and abort', () => {
  it('stops waiting at once when the signal aborts during a delay, rejecting with its reason', async () => {
    const controller = new AbortController();
    const { fn, calls } = flaky(5, 'x');
    const result = retry(fn, { ...quiet, baseMs: 5000, signal: controller.signal });
    const settled = result.catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(100);
    const reason = new Error('client went away');
    controller.abort(reason);
    await jest.advanceTimersByTimeAsync(0); // no clock time passes: the rejection is immediate
    await expect(settled).resolves.toBe(reason);
    expect(calls).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects with a standard AbortError when aborted without a reason', async () => {
    const controller = new AbortController();
    controller.abort();
    const fn = jest.fn(async () => 1);
    await expect(retry(fn, { ...quiet, signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(fn).not.toHaveBeenCalled();
  });

  it('rejects with the abort reason, not fn’s error, when the signal aborts while fn runs', async () => {
    const controller = new AbortController();
    const reason = new Error('shutdown');
    const result = retry(
      ({ signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('fetch aborted'))),
        ),
      { ...quiet, signal: controller.signal },
    );
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
  });
});

describe('retryPolicy()', () => {
  it('validates once and runs many calls with the same options', async () => {
    const policy = retryPolicy({ ...quiet, maxAttempts: 2 });
    const a = flaky(1, 'a');
    const b = flaky(0, 'b');
    const results = Promise.all([policy.execute(a.fn), policy.execute(b.fn)]);
    await jest.advanceTimersByTimeAsync(1000);
    await expect(results).resolves.toEqual(['a', 'b']);
    expect(Object.isFrozen(policy)).toBe(true);
  });

  it('takes a per-call signal', async () => {
    const policy = retryPolicy(quiet);
    const controller = new AbortController();
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(policy.execute(async () => 1, { signal: controller.signal })).rejects.toBe(reason);
  });

  it('rejects when given something that is not a function', async () => {
    await expect(retryPolicy(quiet).execute('nope' as never)).rejects.toMatchObject({
      name: 'ConfigError',
      option: 'fn',
    });
  });
});

describe('retry() with a budget', () => {
  it('fails with BudgetExhaustedError whose cause is the error that would have been retried', async () => {
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 0 });
    const error = new Error('upstream 500');
    const fn = jest.fn().mockRejectedValue(error);
    const err = (await retry(fn, { ...quiet, budget, name: 'inventory' }).catch(
      (e: unknown) => e,
    )) as BudgetExhaustedError;
    expect(err).toBeInstanceOf(BudgetExhaustedError);
    expect(err.cause).toBe(error);
    expect(err.attempts).toBe(1);
    expect(err.message).toBe('"inventory" retry budget exhausted after 1 attempt');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('does not charge the budget for an error retryIf refuses', async () => {
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 1, now: () => 0 });
    const original = new Error('400');
    await expect(
      retry(() => Promise.reject(original), { ...quiet, budget, retryIf: () => false }),
    ).rejects.toBe(original);
    expect(budget.available).toBe(1);
  });
});
