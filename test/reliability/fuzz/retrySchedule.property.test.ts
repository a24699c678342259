import fc from 'fast-check';
import { RetryExhaustedError } from '../../../src/errors/RetryExhaustedError';
import { backoffDelay, JITTERS, type Jitter } from '../../../src/retry/backoffDelay';
import { retry } from '../../../src/retry/retry';
import { parseRetryAfter } from '../../../src/retry/retryAfter';
import { scaled } from '../support/budget';

const RUNS = scaled(1000, 50_000);

const jitter = fc.constantFrom(...JITTERS);
/** A uniform draw as Math.random gives it: [0, 1), edges included. */
const draw = fc.oneof(
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  fc.constantFrom(0, 0.5, 1 - Number.EPSILON),
);
/** Valid options, as `resolveRetryOptions` accepts them: 0 ≤ baseMs ≤ maxMs, finite. */
const limits = fc
  .tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 10_000_000 }))
  .map(([baseMs, extra]) => ({ baseMs, maxMs: baseMs + extra }));

/** The exponential term of the backoff: `d = min(maxMs, baseMs · 2^(attempt−1))`. */
function exponential(attempt: number, baseMs: number, maxMs: number): number {
  return baseMs === 0 ? 0 : Math.min(maxMs, baseMs * 2 ** (attempt - 1)); // 0 · 2^1024 is 0, not NaN
}

/**
 * `[low, high]` of one delay. The documented intervals are half-open, `[d, 2d)` and so on, but
 * `d + r·d` with `r` one ulp below 1 rounds to `2d` in floating point: the closed bound is what any
 * implementation can promise.
 */
function bounds(j: Jitter, d: number, baseMs: number, maxMs: number, previous: number): [number, number] {
  switch (j) {
    case 'none':
      return [d, d];
    case 'full':
      return [0, d];
    case 'equal':
      return [d / 2, d];
    case 'additive':
      return [d, 2 * d];
    case 'decorrelated':
      return [baseMs, Math.min(maxMs, Math.max(baseMs, 3 * previous))];
  }
}

function within(x: number, [low, high]: [number, number]): boolean {
  return Number.isFinite(x) && x >= low && x <= high;
}

describe('retry schedules (property-based)', () => {
  it('every jitter mode stays within its documented bounds, for any attempt, base, cap and random draw', () => {
    fc.assert(
      fc.property(
        jitter,
        limits,
        fc.integer({ min: 1, max: 5000 }),
        draw,
        fc.integer({ min: 0, max: 10_000_000 }),
        (j, { baseMs, maxMs }, attempt, r, prevSeed) => {
          fc.pre(baseMs > 0 || attempt <= 1024); // that corner has its own test below
          const previous = Math.min(maxMs, baseMs + prevSeed); // decorrelated: previous ∈ [baseMs, maxMs]
          const d = exponential(attempt, baseMs, maxMs);
          const delay = backoffDelay(attempt, { baseMs, maxMs, jitter: j, random: () => r }, previous);
          if (!within(delay, bounds(j, d, baseMs, maxMs, previous))) {
            throw new Error(
              `${j} attempt ${attempt} base ${baseMs} max ${maxMs} prev ${previous} r ${r}: ${delay} not in [${String(bounds(j, d, baseMs, maxMs, previous))}]`,
            );
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a zero-base schedule still reports 0 ms delays after 1024 retries (maxAttempts may be Infinity)', async () => {
    const reported: number[] = [];
    await retry(
      ({ attempt }) => {
        if (attempt <= 1030) throw new Error('down');
        return 'ok';
      },
      {
        maxAttempts: Infinity,
        baseMs: 0,
        maxMs: 0,
        jitter: 'none',
        registry: false,
        onRetry: ({ delayMs }) => reported.push(delayMs),
        sleep: () => Promise.resolve(),
      },
    );
    expect(reported).toHaveLength(1030);
    expect(reported.filter((ms) => ms !== 0)).toEqual([]);
  });

  it('a decorrelated schedule threaded through many retries never leaves [baseMs, maxMs]', () => {
    fc.assert(
      fc.property(limits, fc.array(draw, { minLength: 1, maxLength: 60 }), ({ baseMs, maxMs }, draws) => {
        let previous = baseMs;
        draws.forEach((r, i) => {
          previous = backoffDelay(
            i + 1,
            { baseMs, maxMs, jitter: 'decorrelated', random: () => r },
            previous,
          );
          if (!(previous >= baseMs && previous <= maxMs)) throw new Error(`retry ${i + 1}: ${previous}`);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('retry() sleeps maxAttempts − 1 whole-ms delays within the bounds, then throws RetryExhaustedError', async () => {
    await fc.assert(
      fc.asyncProperty(
        jitter,
        limits,
        fc.integer({ min: 1, max: 12 }),
        fc.array(draw, { minLength: 1, maxLength: 12 }),
        async (j, { baseMs, maxMs }, maxAttempts, draws) => {
          let i = 0;
          const slept: number[] = [];
          const error = await retry(
            () => {
              throw new Error('down');
            },
            {
              maxAttempts,
              baseMs,
              maxMs,
              jitter: j,
              registry: false,
              random: () => draws[i++ % draws.length],
              sleep: (ms) => {
                slept.push(ms);
                return Promise.resolve();
              },
            },
          ).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(RetryExhaustedError);
          expect((error as RetryExhaustedError).attempts).toBe(maxAttempts);
          expect(slept).toHaveLength(maxAttempts - 1);
          let previous = baseMs;
          slept.forEach((ms, k) => {
            const [low, high] = bounds(j, exponential(k + 1, baseMs, maxMs), baseMs, maxMs, previous);
            expect(Number.isInteger(ms)).toBe(true);
            // Whole ms, floored: the lower bound may drop below a fractional low by less than 1 ms.
            expect(ms).toBeGreaterThan(Math.floor(low) - 1);
            expect(ms).toBeLessThanOrEqual(Math.max(low, high));
            previous = ms;
          });
        },
      ),
      { numRuns: scaled(300, 10_000) },
    );
  });

  it('a server’s Retry-After replaces the backoff up to maxRetryAfterMs, past maxMs; longer fails at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        limits,
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 0, max: 120_000 }),
        async ({ baseMs, maxMs }, asked, maxRetryAfterMs) => {
          const slept: number[] = [];
          const err = Object.assign(new Error('slow down'), { retryAfterMs: asked });
          const outcome = await retry(
            ({ attempt }) => {
              if (attempt === 1) throw err;
              return 'ok';
            },
            {
              baseMs,
              maxMs,
              maxRetryAfterMs,
              registry: false,
              sleep: (ms) => {
                slept.push(ms);
                return Promise.resolve();
              },
            },
          ).catch((e: unknown) => e);
          if (asked <= maxRetryAfterMs) {
            expect(outcome).toBe('ok');
            expect(slept).toEqual([asked]);
          } else {
            expect(outcome).toBeInstanceOf(RetryExhaustedError);
            expect(outcome).toMatchObject({ attempts: 1, retryAfterMs: asked, cause: err });
            expect(slept).toEqual([]);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('parses any Retry-After header into a finite wait ≥ 0 or nothing', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.integer({ min: -1e9, max: 1e12 }).map(String),
          fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
          fc.constantFrom('-5', '1e3', ' 12 ', '0x10', 'Infinity', 'NaN', '120.5', ''),
        ),
        (value) => {
          const ms = parseRetryAfter(value, 1_700_000_000_000);
          expect(ms === undefined || (Number.isFinite(ms) && ms >= 0)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
