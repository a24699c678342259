import { BudgetExhaustedError } from '../../../src/errors/BudgetExhaustedError';
import { retry } from '../../../src/retry/retry';
import { RetryBudget, RETRY_BUDGET_DEFAULTS } from '../../../src/retry/RetryBudget';
import { seededRandom } from './helpers';
import { clock as manualClock } from '../../support/clock';

function withdrawAll(budget: RetryBudget): number {
  let n = 0;
  while (budget.tryWithdraw()) n++;
  return n;
}

describe('RetryBudget', () => {
  it('allows minPerSecond retries with no traffic at all, then refuses', () => {
    const clock = manualClock(0);
    const budget = new RetryBudget({ minPerSecond: 10, now: clock.now });
    expect(budget.available).toBe(10);
    expect(withdrawAll(budget)).toBe(10);
    expect(budget.tryWithdraw()).toBe(false);
  });

  it('refills the reserve at minPerSecond, never beyond one second’s worth', () => {
    const clock = manualClock(0);
    const budget = new RetryBudget({ minPerSecond: 10, now: clock.now });
    withdrawAll(budget);
    clock.advance(300);
    expect(withdrawAll(budget)).toBe(3);
    clock.advance(60_000);
    expect(budget.available).toBe(10);
  });

  it('earns one retry per 1 / ratio calls', () => {
    const clock = manualClock(0);
    const budget = new RetryBudget({ ratio: 0.1, minPerSecond: 0, now: clock.now });
    for (let i = 0; i < 9; i++) budget.deposit();
    expect(budget.tryWithdraw()).toBe(false);
    budget.deposit();
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(false);
    for (let i = 0; i < 1000; i++) budget.deposit();
    expect(withdrawAll(budget)).toBe(100);
  });

  it('forgets deposits older than ttlMs, so a healthy past cannot fund a retry storm', () => {
    const clock = manualClock(0);
    const budget = new RetryBudget({ ratio: 0.5, minPerSecond: 0, ttlMs: 10_000, now: clock.now });
    for (let i = 0; i < 100; i++) budget.deposit();
    clock.advance(5_000);
    expect(budget.available).toBe(50);
    clock.advance(6_000);
    expect(budget.available).toBe(0);
    expect(budget.tryWithdraw()).toBe(false);
  });

  it('with ratio 0 and minPerSecond 0 never allows a retry', () => {
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 0 });
    for (let i = 0; i < 100; i++) budget.deposit();
    expect(budget.tryWithdraw()).toBe(false);
  });

  it('has the documented defaults', () => {
    expect(RETRY_BUDGET_DEFAULTS).toMatchObject({ ratio: 0.1, minPerSecond: 10, ttlMs: 10_000 });
    const budget = new RetryBudget();
    for (let i = 0; i < 100; i++) budget.deposit();
    expect(budget.available).toBe(20);
  });

  it.each([
    [{ ratio: -0.1 }, '`ratio` must be a number ≥ 0 ≤ 1000, got -0.1'],
    [{ minPerSecond: -1 }, '`minPerSecond` must be a number ≥ 0, got -1'],
    [{ ttlMs: 0 }, '`ttlMs` must be a number ≥ 1, got 0'],
    [{ now: 5 }, '`now` must be a function, got 5'],
  ])('rejects bad options %p with a ConfigError', (opts, message) => {
    expect(() => new RetryBudget(opts as never)).toThrow(message);
  });
});

describe('RetryBudget shared by concurrent retry() calls', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('keeps 1,000 concurrent failing calls within ratio × calls + minPerSecond × seconds', async () => {
    const ratio = 0.1;
    const minPerSecond = 10;
    const budget = new RetryBudget({ ratio, minPerSecond }); // Date.now: faked by jest
    const start = Date.now();
    let tries = 0;
    let retries = 0;
    let lastRetryAt = start;
    const calls = Array.from({ length: 1000 }, (_, i) =>
      retry(
        async () => {
          tries++;
          throw new Error(`upstream down ${i}`);
        },
        {
          maxAttempts: 5,
          budget,
          random: seededRandom(i),
          registry: false,
          onRetry: () => {
            retries++;
            lastRetryAt = Date.now();
          },
        },
      ).catch((e: unknown) => e),
    );
    await jest.advanceTimersByTimeAsync(10_000);
    const errors = await Promise.all(calls);
    const seconds = (lastRetryAt - start) / 1000;

    expect(tries).toBe(1000 + retries);
    // The reserve starts with one second's worth, hence `seconds + 1`.
    expect(retries).toBeLessThanOrEqual(ratio * 1000 + minPerSecond * (seconds + 1));
    expect(retries).toBeGreaterThanOrEqual(ratio * 1000 + minPerSecond); // and the budget is really spent
    const refused = errors.filter((e): e is BudgetExhaustedError => e instanceof BudgetExhaustedError);
    expect(refused.length).toBeGreaterThanOrEqual(1000 - retries);
    expect((refused[0].cause as Error).message).toMatch(/^upstream down \d+$/);
  });

  it('keeps a sustained 100 calls/s of failures within the bound over 20 seconds', async () => {
    const budget = new RetryBudget({ ratio: 0.1, minPerSecond: 10 });
    let calls = 0;
    let retries = 0;
    let lastRetryAt = 0;
    const onRetry = (): void => {
      retries++;
      lastRetryAt = Date.now();
    };
    const start = Date.now();
    const pending: Promise<unknown>[] = [];
    const fail = async (): Promise<never> => {
      throw new Error('down');
    };
    for (let tick = 0; tick < 200; tick++) {
      for (let i = 0; i < 10; i++) {
        calls++;
        pending.push(retry(fail, { budget, registry: false, onRetry }).catch(() => undefined));
      }
      await jest.advanceTimersByTimeAsync(100);
    }
    await jest.advanceTimersByTimeAsync(10_000);
    await Promise.all(pending);
    const seconds = (lastRetryAt - start) / 1000;
    expect(retries).toBeLessThanOrEqual(0.1 * calls + 10 * (seconds + 1));
    // Far below the 2 × calls that retrying without a budget would add.
    expect(retries).toBeLessThan(calls);
  });
});
