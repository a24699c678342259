import fc from 'fast-check';
import { compileThresholds, ladderOrDefaults } from '../../../checks/shared/thresholds';
import { ConfigError } from '../../../src/errors/ConfigError';
import { CheckStatus } from '../../../src/status/CheckStatus';

describe('threshold ladders', () => {
  const upper = compileThresholds('', { maxOk: 10, maxMinor: 20, maxMajor: 30 }, 'max', (n) => `${n} ms`);

  it.each([
    [0, 'OK', '≤ maxOk 10 ms'],
    [10, 'OK', '≤ maxOk 10 ms'],
    [10.01, 'MINOR', '> maxOk 10 ms'],
    [20, 'MINOR', '> maxOk 10 ms'],
    [21, 'MAJOR', '> maxMinor 20 ms'],
    [30, 'MAJOR', '> maxMinor 20 ms'],
    [31, 'OUTAGE', '> maxMajor 30 ms'],
    [Infinity, 'OUTAGE', '> maxMajor 30 ms'],
  ])('treats upper bounds as inclusive: %p is %s (%s)', (value, status, reason) => {
    expect(upper.explain(value)).toEqual({ status, reason });
    expect(upper.statusOf(value)).toBe(status);
  });

  it('skips a level that is left out', () => {
    const noMinor = compileThresholds('', { maxOk: 10, maxMajor: 30 }, 'max');
    expect(noMinor.statusOf(15)).toBe('MAJOR');
    const onlyOk = compileThresholds('', { maxOk: 10 }, 'max');
    expect(onlyOk.explain(11)).toEqual({ status: 'OUTAGE', reason: '> maxOk 10' });
  });

  it('treats lower bounds as inclusive, for values where less is worse', () => {
    const floor = compileThresholds('free', { minOk: 0.1, minMinor: 0.05, minMajor: 0.02 }, 'min');
    expect(floor.statusOf(0.1)).toBe('OK');
    expect(floor.statusOf(0.05)).toBe('MINOR');
    expect(floor.statusOf(0.02)).toBe('MAJOR');
    expect(floor.explain(0.01)).toEqual({ status: 'OUTAGE', reason: '< minMajor 0.02' });
  });

  it('reports a value that is not a number as OUTAGE', () => {
    expect(upper.explain(NaN)).toEqual({ status: 'OUTAGE', reason: 'not a number' });
  });

  it('never gets better as the value grows (upper bounds)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return !CheckStatus.isBetterThan(upper.statusOf(hi), upper.statusOf(lo));
      }),
    );
  });

  it('rejects bounds out of order, naming the option', () => {
    expect(() => compileThresholds('', { maxOk: 10, maxMinor: 5 }, 'max')).toThrow(
      new ConfigError('maxMinor', 5, 'a number ≥ 10'),
    );
    expect(() => compileThresholds('rssBytes', { maxOk: 10, maxMinor: 20, maxMajor: 15 }, 'max')).toThrow(
      '`rssBytes.maxMajor` must be a number ≥ 20, got 15',
    );
    expect(() => compileThresholds('free', { minOk: 0.1, minMinor: 0.2 }, 'min')).toThrow(
      '`free.minMinor` must be a number ≤ 0.1, got 0.2',
    );
    expect(() => compileThresholds('', { maxMinor: 5 }, 'max')).toThrow(
      '`maxOk` must be a number, got undefined',
    );
    expect(() => compileThresholds('heap', 'high', 'max')).toThrow(ConfigError);
  });

  it('takes the user’s whole ladder or the defaults, never a mix', () => {
    const defaults = { maxOk: 100, maxMinor: 500, maxMajor: 2000 };
    expect(ladderOrDefaults({}, 'max', defaults)).toEqual(defaults);
    expect(ladderOrDefaults({ maxOk: 1000 }, 'max', defaults)).toEqual({
      maxOk: 1000,
      maxMinor: undefined,
      maxMajor: undefined,
    });
  });
});
