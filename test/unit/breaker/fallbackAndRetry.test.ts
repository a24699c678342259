import { CircuitBreaker } from '../../../src/breaker/CircuitBreaker';
import type { CircuitBreakerOptions } from '../../../src/breaker/CircuitBreakerOptions';
import { BrokenCircuitError } from '../../../src/errors/BrokenCircuitError';
import { ConfigError } from '../../../src/errors/ConfigError';
import { FallbackExhaustedError } from '../../../src/errors/FallbackExhaustedError';
import { RetryExhaustedError } from '../../../src/errors/RetryExhaustedError';
import { TimeoutError } from '../../../src/errors/TimeoutError';
import { fallback } from '../../../src/fallback/fallback';
import type { FallbackOptions } from '../../../src/fallback/FallbackOptions';
import { retry } from '../../../src/retry/retry';

const breakers: CircuitBreaker[] = [];
function breaker(opts: Partial<CircuitBreakerOptions> = {}): CircuitBreaker {
  const b = new CircuitBreaker({ name: 'partner', registry: false, trip: { consecutive: 2 }, ...opts });
  breakers.push(b);
  return b;
}

beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
afterEach(() => {
  breakers.splice(0).forEach((b) => b.dispose());
  jest.useRealTimers();
});

/** Resolves `p`, advancing fake time until it settles; returns the value and the fake ms it took. */
async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  let done = false;
  const settled = p.finally(() => (done = true));
  await jest.advanceTimersByTimeAsync(0);
  while (!done) await jest.advanceTimersByTimeAsync(50);
  return { value: await settled, ms: Date.now() - t0 };
}

describe('fallback sources behind a breaker', () => {
  function chain(partner: jest.Mock, b: CircuitBreaker) {
    return fallback({
      name: 'prices',
      key: (id: string) => id,
      ttlMs: 0,
      sourceTimeoutMs: 1000,
      sources: [{ fn: partner, breaker: b }, (id: string) => Promise.resolve(`local ${id}`)],
      registry: false,
    });
  }

  it('pays the timeout until the breaker opens, then skips the source at once to the next tier', async () => {
    const b = breaker();
    const partner = jest.fn(() => new Promise<string>(() => undefined)); // hangs, ignores its signal
    const prices = chain(partner, b);
    const first = await timed(prices.get('a'));
    expect(first.value).toEqual({ value: 'local a', source: 'source', sourceIndex: 1 });
    expect(first.ms).toBeGreaterThanOrEqual(1000);
    await timed(prices.get('b'));
    expect(b.state).toBe('open'); // two timeouts counted as failures
    const third = await timed(prices.get('c'));
    expect(third).toEqual({ value: { value: 'local c', source: 'source', sourceIndex: 1 }, ms: 0 });
    expect(partner).toHaveBeenCalledTimes(2);
  });

  it('a refused source joins the causes of an exhausted chain as BrokenCircuitError', async () => {
    const b = breaker({ trip: { consecutive: 1 } });
    await b.execute(() => Promise.reject(new Error('down'))).catch(() => undefined);
    const only = fallback({
      name: 'prices',
      key: (id: string) => id,
      ttlMs: 0,
      sources: [{ fn: () => Promise.resolve('never'), breaker: b }],
      registry: false,
    });
    const err: unknown = await only.get('a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect((err as FallbackExhaustedError).causes[0]).toBeInstanceOf(BrokenCircuitError);
  });

  it('a source answering closes nothing it should not: answers pass through and count as successes', async () => {
    const b = breaker();
    const partner = jest.fn((id: string) => Promise.resolve(`partner ${id}`));
    const prices = chain(partner, b);
    expect(await prices.get('a')).toEqual({ value: 'partner a', source: 'source', sourceIndex: 0 });
    expect(b.stats()).toMatchObject({ calls: 1, failures: 0 });
    expect(partner).toHaveBeenCalledWith('a', expect.objectContaining({ signal: expect.any(AbortSignal) }));
  });

  const one = (): number => 1;
  it.each<[object, string]>([
    [{ fn: 'x', breaker: undefined }, 'sources[0].fn'],
    [{ fn: one }, 'sources[0].breaker'],
    [{ fn: one, breaker: { name: 'fake' } }, 'sources[0].breaker'],
  ])('%j throws ConfigError naming `%s`', (source, option) => {
    const opts = { name: 'p', key: () => 'k', ttlMs: 0, sources: [source], registry: false };
    expect(() => fallback(opts as unknown as FallbackOptions<unknown, []>)).toThrow(`\`${option}\``);
  });
});

describe('retry({ breaker })', () => {
  const noSleep = { sleep: () => Promise.resolve(), registry: false as const };

  it('retries through a closed breaker, every try counted', async () => {
    const b = breaker({ trip: { consecutive: 5 } });
    const fn = jest.fn(() => Promise.reject(new Error('flaky')));
    const err: unknown = await retry(fn, { ...noSleep, breaker: b, maxAttempts: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryExhaustedError);
    expect(fn).toHaveBeenCalledTimes(3);
    expect(b.stats()).toMatchObject({ calls: 3, failures: 3 });
  });

  it('a failure that opens the breaker ends the call at once with BrokenCircuitError carrying it', async () => {
    const b = breaker({ trip: { consecutive: 2 } });
    const sleep = jest.fn(() => Promise.resolve());
    const fn = jest.fn(() => Promise.reject(new Error('down')));
    const err: unknown = await retry(fn, { registry: false, sleep, breaker: b, maxAttempts: 5 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BrokenCircuitError);
    expect((err as BrokenCircuitError).cause).toEqual(new Error('down'));
    expect(fn).toHaveBeenCalledTimes(2);
    expect(sleep).toHaveBeenCalledTimes(1); // before the second try, never after the breaker opened
  });

  it('an open breaker refuses the first try: fn is never called', async () => {
    const b = breaker({ trip: { consecutive: 1 } });
    await b.execute(() => Promise.reject(new Error('down'))).catch(() => undefined);
    const fn = jest.fn(() => Promise.resolve('x'));
    await expect(retry(fn, { ...noSleep, breaker: b })).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(fn).not.toHaveBeenCalled();
  });

  it('a non-retryable error is still rethrown as is', async () => {
    const b = breaker({ trip: { consecutive: 1 } });
    const bad = new Error('400');
    await expect(
      retry(() => Promise.reject(bad), { ...noSleep, breaker: b, retryIf: () => false }),
    ).rejects.toBe(bad);
  });

  it('refuses a breaker that is not one', () => {
    return expect(retry(() => Promise.resolve(1), { breaker: {} as CircuitBreaker })).rejects.toThrow(
      ConfigError,
    );
  });
});

describe('TimeoutError from a guarded source', () => {
  it('is what the breaker records as the failure that opened it', async () => {
    const b = breaker({ trip: { consecutive: 1 } });
    const prices = fallback({
      name: 'prices',
      key: () => 'k',
      ttlMs: 0,
      sourceTimeoutMs: 100,
      sources: [{ fn: () => new Promise<string>(() => undefined), breaker: b }],
      stub: () => 'stub',
      registry: false,
    });
    expect((await timed(prices.get())).value.source).toBe('stub');
    const refused: unknown = await b.execute(() => 1).catch((e: unknown) => e);
    expect((refused as BrokenCircuitError).cause).toBeInstanceOf(TimeoutError);
  });
});
