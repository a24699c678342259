import { retry } from '../../../src/retry/retry';
import type { Jitter } from '../../../src/retry/backoffDelay';
import type { RetryEvent } from '../../../src/retry/RetryOptions';
import { flaky, gaps, seededRandom, sequence } from './helpers';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/**
 * Runs `retry()` over a function failing `delays.length` times and proves each wait lasts exactly
 * its delay: one ms early the next try has not happened, at the delay it has.
 */
async function expectSchedule(jitter: Jitter, random: () => number, delays: number[], maxMs = 10_000) {
  const { fn, calls } = flaky(delays.length, 'charged');
  const events: RetryEvent[] = [];
  const result = retry(fn, {
    maxAttempts: delays.length + 1,
    baseMs: 1000,
    maxMs,
    jitter,
    random,
    registry: false,
    onRetry: (e) => events.push(e),
  });
  await jest.advanceTimersByTimeAsync(0);
  for (const [i, d] of delays.entries()) {
    await jest.advanceTimersByTimeAsync(d - 1);
    expect(calls).toHaveLength(i + 1);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(i + 2);
  }
  await expect(result).resolves.toBe('charged');
  expect(gaps(calls)).toEqual(delays);
  expect(events.map((e) => e.delayMs)).toEqual(delays);
  expect(events.map((e) => e.attempt)).toEqual(delays.map((_, i) => i + 1));
}

describe('retry() backoff schedule', () => {
  it.each<[Jitter, number[]]>([
    ['none', [1000, 2000, 4000]],
    ['full', [250, 1000, 3000]],
    ['equal', [625, 1500, 3500]],
    ['additive', [1250, 3000, 7000]],
    ['decorrelated', [1500, 2750, 6437]],
  ])('waits the exact %s delays before each retry', async (jitter, delays) => {
    await expectSchedule(jitter, sequence(0.25, 0.5, 0.75), delays);
  });

  it('waits 1–2 s, 2–4 s, 4–8 s with additive jitter and base 1000, whatever the draw', async () => {
    const random = seededRandom(2024);
    for (let run = 0; run < 50; run++) {
      const { fn, calls } = flaky(3, 'ok');
      const result = retry(fn, { maxAttempts: 4, baseMs: 1000, jitter: 'additive', random, registry: false });
      await jest.advanceTimersByTimeAsync(8000 + 4000 + 2000);
      await expect(result).resolves.toBe('ok');
      const [a, b, c] = gaps(calls);
      expect(a).toBeGreaterThanOrEqual(1000);
      expect(a).toBeLessThan(2000);
      expect(b).toBeGreaterThanOrEqual(2000);
      expect(b).toBeLessThan(4000);
      expect(c).toBeGreaterThanOrEqual(4000);
      expect(c).toBeLessThan(8000);
    }
  });

  it('never waits longer than maxMs between tries', async () => {
    await expectSchedule('none', Math.random, [1000, 2000, 2500, 2500, 2500], 2500);
  });

  it('calls fn at once, and settles at once after the last try with no timer left behind', async () => {
    const { fn, calls } = flaky(2, 'x');
    const result = retry(fn, { maxAttempts: 2, jitter: 'none', registry: false });
    const settled = expect(result).rejects.toMatchObject({ name: 'RetryExhaustedError', attempts: 2 });
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(100);
    await settled;
    expect(calls).toHaveLength(2);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('uses the documented defaults: 3 tries, full jitter under 100 ms then 200 ms', async () => {
    const events: RetryEvent[] = [];
    const { fn, calls } = flaky(5, 'never');
    const result = retry(fn, { random: () => 0.999, registry: false, onRetry: (e) => events.push(e) });
    const settled = expect(result).rejects.toMatchObject({ attempts: 3 });
    await jest.advanceTimersByTimeAsync(300);
    await settled;
    expect(calls).toHaveLength(3);
    expect(events.map((e) => e.delayMs)).toEqual([99, 199]);
  });
});
