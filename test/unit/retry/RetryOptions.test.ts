import { Registry } from 'prom-client';
import { ConfigError } from '../../../src/errors/ConfigError';
import { retry, retryPolicy } from '../../../src/retry/retry';
import { RetryBudget } from '../../../src/retry/RetryBudget';
import { resolveRetryOptions, RETRY_DEFAULTS, type RetryOptions } from '../../../src/retry/RetryOptions';

const ok = async (): Promise<string> => 'ok';

describe('retry options', () => {
  it.each<[string, RetryOptions, string]>([
    ['maxAttempts', { maxAttempts: 0 }, '`maxAttempts` must be an integer ≥ 1, got 0'],
    ['maxAttempts', { maxAttempts: 2.5 }, '`maxAttempts` must be an integer ≥ 1, got 2.5'],
    ['baseMs', { baseMs: -1 }, '`baseMs` must be a number ≥ 0, got -1'],
    ['baseMs', { baseMs: NaN }, '`baseMs` must be a number ≥ 0, got NaN'],
    ['maxMs', { maxMs: Infinity }, '`maxMs` must be a number ≥ 0, got Infinity'],
    ['maxMs', { baseMs: 500, maxMs: 100 }, '`maxMs` must be ≥ baseMs (500), got 100'],
    [
      'jitter',
      { jitter: 'random' as never },
      '`jitter` must be one of "none", "full", "equal", "additive", "decorrelated", got "random"',
    ],
    ['retryIf', { retryIf: true as never }, '`retryIf` must be a function, got true'],
    ['onRetry', { onRetry: 'log' as never }, '`onRetry` must be a function, got "log"'],
    ['signal', { signal: {} as never }, '`signal` must be an AbortSignal, got an object'],
    ['budget', { budget: { ratio: 0.1 } as never }, '`budget` must be a RetryBudget, got an object'],
    ['name', { name: '' }, '`name` must be a non-empty string, got ""'],
    ['maxRetryAfterMs', { maxRetryAfterMs: -1 }, '`maxRetryAfterMs` must be a number ≥ 0, got -1'],
    ['maxRetryAfterMs', { maxRetryAfterMs: NaN }, '`maxRetryAfterMs` must be a number ≥ 0, got NaN'],
    ['random', { random: 0.5 as never }, '`random` must be a function, got 0.5'],
    [
      'registry',
      { registry: {} as never },
      '`registry` must be a prom-client Registry or false, got an object',
    ],
  ])('rejects a bad %s with a ConfigError naming it', async (option, opts, message) => {
    const err = (await retry(ok, opts).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.option).toBe(option);
    expect(err.message).toBe(message);
    expect(() => retryPolicy(opts)).toThrow(message);
  });

  it('rejects rather than throws from retry(), so callers only need one error path', () => {
    expect(() => void retry(ok, { maxAttempts: 0 }).catch(() => undefined)).not.toThrow();
  });

  it('rejects options that are not an object', async () => {
    await expect(retry(ok, 3 as never)).rejects.toMatchObject({ name: 'ConfigError' });
  });

  it('applies the documented defaults', () => {
    const o = resolveRetryOptions(undefined);
    expect(o).toMatchObject({ maxAttempts: 3, baseMs: 100, maxMs: 10_000, jitter: 'full', name: 'default' });
    expect(RETRY_DEFAULTS).toMatchObject({ maxAttempts: 3, baseMs: 100, maxMs: 10_000, jitter: 'full' });
    expect(Object.isFrozen(RETRY_DEFAULTS)).toBe(true);
  });

  it('accepts maxAttempts Infinity and a budget', () => {
    const budget = new RetryBudget();
    expect(resolveRetryOptions({ maxAttempts: Infinity, budget, registry: new Registry() })).toMatchObject({
      maxAttempts: Infinity,
      budget,
    });
  });

  it('never mutates the caller’s options object', () => {
    const opts = Object.freeze({ maxAttempts: 5, registry: false as const });
    expect(() => retryPolicy(opts)).not.toThrow();
    expect(opts).toEqual({ maxAttempts: 5, registry: false });
  });
});
