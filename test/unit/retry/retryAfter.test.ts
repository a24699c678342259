import { RetryExhaustedError } from '../../../src/errors/RetryExhaustedError';
import { retry } from '../../../src/retry/retry';
import { parseRetryAfter, retryAfterMs } from '../../../src/retry/retryAfter';
import type { RetryEvent } from '../../../src/retry/RetryOptions';
import { flaky, gaps, httpError } from './helpers';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('retryAfterMs()', () => {
  it.each<[string, unknown, number | undefined]>([
    ['retryAfterMs on any error', Object.assign(new Error('x'), { retryAfterMs: 1500 }), 1500],
    ['429 with seconds in err.headers', httpError(429, { 'retry-after': '3' }), 3000],
    ['503 with Retry-After in any case', httpError(503, { 'Retry-After': '2' }), 2000],
    ['429 with an HTTP-date', httpError(429, { 'retry-after': 'Sun, 01 Mar 2026 12:00:05 GMT' }), 5000],
    ['429 with a date in the past', httpError(429, { 'retry-after': 'Sun, 01 Mar 2026 11:00:00 GMT' }), 0],
    ['429 in err.response.headers', httpError(429, { 'retry-after': '4' }, 'response'), 4000],
    ['429 with WHATWG Headers', httpError(429, new Headers({ 'Retry-After': '6' }), 'response'), 6000],
    [
      '429 with err.retryAfter seconds',
      Object.assign(new Error('x'), { statusCode: 429, retryAfter: 7 }),
      7000,
    ],
    ['an array header value', httpError(429, { 'retry-after': ['8'] }), 8000],
    ['500 with Retry-After (not honoured)', httpError(500, { 'retry-after': '3' }), undefined],
    ['429 without the header', httpError(429, {}), undefined],
    ['429 with a garbage header', httpError(429, { 'retry-after': 'soon' }), undefined],
    ['a negative retryAfterMs', Object.assign(new Error('x'), { retryAfterMs: -1 }), undefined],
    ['a string thrown', 'boom', undefined],
    ['null thrown', null, undefined],
  ])('reads %s', (_, err, expected) => {
    expect(retryAfterMs(err, NOW)).toBe(expected);
  });

  it('parses both RFC 9110 forms', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
  });
});

describe('retry() honouring Retry-After', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(NOW);
  });
  afterEach(() => jest.useRealTimers());

  async function delaysFor(
    error: unknown,
    maxMs = 10_000,
  ): Promise<{ waited: number[]; reported: number[] }> {
    const { fn, calls } = flaky(1, 'ok', () => error);
    const events: RetryEvent[] = [];
    const result = retry(fn, {
      baseMs: 100,
      maxMs,
      jitter: 'none',
      registry: false,
      onRetry: (e) => events.push(e),
    });
    await jest.advanceTimersByTimeAsync(maxMs);
    await expect(result).resolves.toBe('ok');
    return { waited: gaps(calls), reported: events.map((e) => e.delayMs) };
  }

  it('waits the Retry-After seconds of a 429 instead of the backoff', async () => {
    expect(await delaysFor(httpError(429, { 'retry-after': '3' }))).toEqual({
      waited: [3000],
      reported: [3000],
    });
  });

  it('waits until the Retry-After HTTP-date of a 503', async () => {
    const err = httpError(
      503,
      new Headers({ 'retry-after': new Date(NOW + 4500).toUTCString() }),
      'response',
    );
    // HTTP-dates have whole seconds: 12:00:04 GMT.
    expect(await delaysFor(err)).toEqual({ waited: [4000], reported: [4000] });
  });

  it('waits an error’s retryAfterMs', async () => {
    expect(await delaysFor(Object.assign(new Error('rate limited'), { retryAfterMs: 2500 }))).toEqual({
      waited: [2500],
      reported: [2500],
    });
  });

  it('honours a Retry-After past maxMs, up to maxRetryAfterMs (default 60 s)', async () => {
    const { fn, calls } = flaky(1, 'ok', () => httpError(429, { 'retry-after': '60' }));
    const result = retry(fn, { baseMs: 100, maxMs: 5000, registry: false });
    await jest.advanceTimersByTimeAsync(59_999);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toBe('ok');
    expect(gaps(calls)).toEqual([60_000]);
  });

  it.each<[string, unknown, number | undefined, number]>([
    ['a 429 asking for an hour', httpError(429, { 'retry-after': '3600' }), undefined, 3_600_000],
    [
      'a retryAfterMs over a custom bound',
      Object.assign(new Error('busy'), { retryAfterMs: 2500 }),
      2000,
      2500,
    ],
  ])(
    'fails at once on %s, with RetryExhaustedError carrying retryAfterMs',
    async (_, error, bound, asked) => {
      const { fn, calls } = flaky(1, 'ok', () => error);
      const err = (await retry(fn, { maxRetryAfterMs: bound, registry: false }).catch(
        (e: unknown) => e,
      )) as RetryExhaustedError;
      expect(err).toBeInstanceOf(RetryExhaustedError);
      expect(err).toMatchObject({ attempts: 1, retryAfterMs: asked, cause: error });
      expect(err.message).toMatch(/asked to retry after \d+ ms, more than maxRetryAfterMs/);
      expect(calls).toHaveLength(1);
    },
  );

  it('ignores Retry-After on other statuses and backs off as usual', async () => {
    expect(await delaysFor(httpError(500, { 'retry-after': '3' }))).toEqual({
      waited: [100],
      reported: [100],
    });
  });
});
