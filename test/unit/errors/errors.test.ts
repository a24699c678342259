import { BudgetExhaustedError } from '../../../src/errors/BudgetExhaustedError';
import { ConfigError } from '../../../src/errors/ConfigError';
import { DuplicateDependencyError } from '../../../src/errors/DuplicateDependencyError';
import { FallbackExhaustedError } from '../../../src/errors/FallbackExhaustedError';
import { RetryExhaustedError } from '../../../src/errors/RetryExhaustedError';
import { StatuskitError, isStatuskitError } from '../../../src/errors/StatuskitError';
import { UnknownDependencyError } from '../../../src/errors/UnknownDependencyError';

describe('errors', () => {
  it.each([
    [new ConfigError('timeoutMs', -1, 'a number ≥ 0'), 'ConfigError', 'ERR_STATUSKIT_CONFIG'],
    [new DuplicateDependencyError('db'), 'DuplicateDependencyError', 'ERR_STATUSKIT_DUPLICATE_DEPENDENCY'],
    [new UnknownDependencyError('db'), 'UnknownDependencyError', 'ERR_STATUSKIT_UNKNOWN_DEPENDENCY'],
    [
      new FallbackExhaustedError('products', [new Error('a')]),
      'FallbackExhaustedError',
      'ERR_STATUSKIT_FALLBACK_EXHAUSTED',
    ],
    [new RetryExhaustedError(3, new Error('x')), 'RetryExhaustedError', 'ERR_STATUSKIT_RETRY_EXHAUSTED'],
    [new BudgetExhaustedError(1, new Error('x')), 'BudgetExhaustedError', 'ERR_STATUSKIT_BUDGET_EXHAUSTED'],
  ] as const)('%p has its name, code, and is a StatuskitError', (err, name, code) => {
    expect(err).toBeInstanceOf(StatuskitError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
    expect(err.code).toBe(code);
    expect(isStatuskitError(err)).toBe(true);
    expect(isStatuskitError(err, code)).toBe(true);
    expect(isStatuskitError(err, 'ERR_STATUSKIT_TIMEOUT')).toBe(false);
  });

  it('ConfigError names the option and the value', () => {
    const err = new ConfigError('maxAttempts', 0, 'an integer ≥ 1');
    expect(err.message).toBe('`maxAttempts` must be an integer ≥ 1, got 0');
    expect(err.option).toBe('maxAttempts');
    expect(err.value).toBe(0);
  });

  it('ConfigError never repeats the credentials of a rejected string', () => {
    const err = new ConfigError('url', 'redis://app:p@ss/w+rd@cache:6379', 'an http(s) URL');
    expect(err.message).toBe('`url` must be an http(s) URL, got "redis://***@cache:6379"');
  });

  it('keeps the cause (ES2022) and structured fields', () => {
    const last = new Error('boom');
    const r = new RetryExhaustedError(3, last, 'charge');
    expect(r.cause).toBe(last);
    expect(r.attempts).toBe(3);
    expect(r.message).toBe('"charge" failed after 3 attempts');
    const f = new FallbackExhaustedError('products', [new Error('a'), last]);
    expect(f.causes).toHaveLength(2);
    expect(f.cause).toBe(last);
    expect(new DuplicateDependencyError('db').dependency).toBe('db');
  });

  it('the guard recognises an error from another copy of the package by its code', () => {
    class ForeignError extends Error {
      code = 'ERR_STATUSKIT_CONFIG';
    }
    expect(isStatuskitError(new ForeignError('x'))).toBe(true);
    expect(isStatuskitError(new ForeignError('x'), 'ERR_STATUSKIT_CONFIG')).toBe(true);
    expect(isStatuskitError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isStatuskitError(null)).toBe(false);
    expect(isStatuskitError('ERR_STATUSKIT_CONFIG')).toBe(false);
  });
});
