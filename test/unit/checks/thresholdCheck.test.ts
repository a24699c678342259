import { thresholdCheck } from '../../../checks/thresholdCheck';
import { ConfigError } from '../../../src/errors/ConfigError';

const signal = new AbortController().signal;

describe('thresholdCheck', () => {
  it('maps a sync value through inclusive bounds and reports it as observedValue', async () => {
    let value = 100;
    const check = thresholdCheck({
      id: 'queue-depth',
      value: () => value,
      maxOk: 100,
      maxMinor: 1000,
      unit: 'jobs',
    });
    expect(check).toMatchObject({ id: 'queue-depth', type: 'other' });
    expect(await check.check({ signal })).toEqual({
      status: 'OK',
      message: '100 jobs (≤ maxOk 100 jobs)',
      observedValue: 100,
      observedUnit: 'jobs',
    });
    value = 1000;
    expect(await check.check({ signal })).toMatchObject({
      status: 'MINOR',
      message: '1000 jobs (> maxOk 100 jobs)',
    });
    value = 1001;
    expect(await check.check({ signal })).toMatchObject({
      status: 'OUTAGE',
      message: '1001 jobs (> maxMinor 1000 jobs)',
    });
  });

  it('awaits an async value, handing it the run’s signal', async () => {
    let seen: AbortSignal | undefined;
    const check = thresholdCheck({
      id: 'lag',
      maxOk: 1,
      maxMinor: 2,
      maxMajor: 3,
      value: async (ctx) => {
        seen = ctx.signal;
        await Promise.resolve();
        return 2.5;
      },
    });
    expect(await check.check({ signal })).toEqual({
      status: 'MAJOR',
      message: '2.5 (> maxMinor 2)',
      observedValue: 2.5,
    });
    expect(seen).toBe(signal);
  });

  it('answers OUTAGE for a value that is not a finite number', async () => {
    const check = thresholdCheck({ id: 'x', maxOk: 1, value: () => Number.NaN });
    expect(await check.check({ signal })).toEqual({
      status: 'OUTAGE',
      message: 'value is not a finite number: NaN',
    });
    const text = thresholdCheck({ id: 'y', maxOk: 1, value: () => '3' as unknown as number });
    expect(await text.check({ signal })).toMatchObject({
      status: 'OUTAGE',
      message: 'value is not a finite number: "3"',
    });
  });

  it('lets a throwing value reach the manager, which reports it as an exception', async () => {
    const check = thresholdCheck({
      id: 'x',
      maxOk: 1,
      value: () => {
        throw new Error('metrics endpoint down');
      },
    });
    await expect(check.check({ signal })).rejects.toThrow('metrics endpoint down');
  });

  it('accepts every Dependency option', () => {
    const check = thresholdCheck({
      id: 'x',
      maxOk: 1,
      value: () => 0,
      urgency: 'WEAK',
      timeoutMs: 50,
      mode: 'live',
    });
    expect(check).toMatchObject({ urgency: 'WEAK', timeoutMs: 50, mode: 'live' });
  });

  it('rejects bounds that do not ascend, a missing id or value, at construction', () => {
    expect(() => thresholdCheck({ id: 'x', value: () => 0, maxOk: 10, maxMinor: 20, maxMajor: 15 })).toThrow(
      new ConfigError('maxMajor', 15, 'a number ≥ 20'),
    );
    expect(() => thresholdCheck({ value: () => 0, maxOk: 1 } as never)).toThrow('`id` must be');
    expect(() => thresholdCheck({ id: 'x', maxOk: 1 } as never)).toThrow('`value` must be a function');
    expect(() => thresholdCheck({ id: 'x', value: () => 0 } as never)).toThrow('`maxOk` must be a number');
  });
});
