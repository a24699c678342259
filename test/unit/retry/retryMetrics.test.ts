import { Registry } from 'prom-client';
import { retry, retryPolicy } from '../../../src/retry/retry';
import { RetryBudget } from '../../../src/retry/RetryBudget';
import { flaky } from './helpers';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

async function attempts(registry: Registry): Promise<Record<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'statuskit_retry_attempts_total');
  const out: Record<string, number> = {};
  for (const v of (metric?.values ?? []) as Array<{ value: number; labels: Record<string, string> }>) {
    if (v.value > 0) out[`${v.labels.name}/${v.labels.outcome}`] = v.value;
  }
  return out;
}

describe('statuskit_retry_attempts_total', () => {
  it('counts success, retry, exhausted and budget outcomes per name', async () => {
    const registry = new Registry();
    const opts = { registry, jitter: 'none' as const, baseMs: 10 };
    const settled = Promise.all([
      retry(flaky(1, 'ok').fn, { ...opts, name: 'payments' }),
      retry(flaky(9, 'never').fn, { ...opts, name: 'payments', maxAttempts: 2 }).catch(() => 'exhausted'),
      retry(flaky(9, 'never').fn, {
        ...opts,
        name: 'inventory',
        budget: new RetryBudget({ ratio: 0, minPerSecond: 0 }),
      }).catch(() => 'budget'),
    ]);
    await jest.advanceTimersByTimeAsync(100);
    await expect(settled).resolves.toEqual(['ok', 'exhausted', 'budget']);
    expect(await attempts(registry)).toEqual({
      'payments/success': 1,
      'payments/retry': 2,
      'payments/exhausted': 1,
      'inventory/budget': 1,
    });
  });

  it('shares one counter between many policies on one registry, and survives registry.clear()', async () => {
    const registry = new Registry();
    await retryPolicy({ registry, name: 'a' }).execute(async () => 1);
    await retryPolicy({ registry, name: 'b' }).execute(async () => 1);
    expect(await attempts(registry)).toEqual({ 'a/success': 1, 'b/success': 1 });
    registry.clear();
    await retry(async () => 1, { registry, name: 'a' });
    expect(await attempts(registry)).toEqual({ 'a/success': 1 });
  });

  it('registers on the global registry by default and nothing with registry: false', async () => {
    const { register } = await import('prom-client');
    register.removeSingleMetric('statuskit_retry_attempts_total');
    await retry(async () => 1, { registry: false });
    expect(register.getSingleMetric('statuskit_retry_attempts_total')).toBeUndefined();
    await retry(async () => 1, { name: 'global-default' });
    expect(await attempts(register)).toMatchObject({ 'global-default/success': 1 });
    register.removeSingleMetric('statuskit_retry_attempts_total');
  });
});
