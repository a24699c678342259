import { ConfigError } from '../../../src/errors/ConfigError';
import { assertNumber, assertOneOf, assertString, optionalNumber } from '../../../src/validation/assert';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('validation helpers', () => {
  it('accepts numbers within the rule and returns them', () => {
    expect(assertNumber('timeoutMs', 0, { min: 0 })).toBe(0);
    expect(assertNumber('ratio', 0.5, { min: 0, max: 1 })).toBe(0.5);
    expect(assertNumber('maxMs', Infinity, { min: 0, allowInfinity: true })).toBe(Infinity);
    expect(optionalNumber('x', undefined, 7)).toBe(7);
  });

  it.each([
    ['maxAttempts', 0, { min: 1, integer: true }, '`maxAttempts` must be an integer ≥ 1, got 0'],
    ['maxAttempts', 1.5, { min: 1, integer: true }, '`maxAttempts` must be an integer ≥ 1, got 1.5'],
    ['timeoutMs', -5, { min: 0 }, '`timeoutMs` must be a number ≥ 0, got -5'],
    ['timeoutMs', '100', { min: 0 }, '`timeoutMs` must be a number ≥ 0, got "100"'],
    ['ratio', NaN, { min: 0, max: 1 }, '`ratio` must be a number ≥ 0 ≤ 1, got NaN'],
    ['maxMs', Infinity, { min: 0 }, '`maxMs` must be a number ≥ 0, got Infinity'],
    ['baseMs', undefined, {}, '`baseMs` must be a number, got undefined'],
  ])('rejects %s = %p with a message naming option and value', (name, value, rule, message) => {
    const err = configError(() => assertNumber(name, value, rule));
    expect(err.message).toBe(message);
    expect(err.option).toBe(name);
    expect(err.code).toBe('ERR_STATUSKIT_CONFIG');
  });

  it('checks enumerations and strings the same way', () => {
    expect(configError(() => assertOneOf('jitter', 'random', ['none', 'full'])).message).toBe(
      '`jitter` must be one of "none", "full", got "random"',
    );
    expect(configError(() => assertString('id', 'bad id', /^\w+$/, 'a word')).message).toBe(
      '`id` must be a word, got "bad id"',
    );
  });
});
