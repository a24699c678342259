import { Registry } from 'prom-client';
import { CircuitBreaker } from '../../../src/breaker/CircuitBreaker';
import type { CircuitBreakerOptions } from '../../../src/breaker/CircuitBreakerOptions';
import { BrokenCircuitError } from '../../../src/errors/BrokenCircuitError';
import { ConfigError } from '../../../src/errors/ConfigError';
import { isStatuskitError } from '../../../src/errors/StatuskitError';
import { LEVEL, logSink } from '../../support/logSink';

const made: CircuitBreaker[] = [];
function breaker(opts: Partial<CircuitBreakerOptions> = {}): CircuitBreaker {
  const b = new CircuitBreaker({ name: 'partner', registry: false, ...opts });
  made.push(b);
  return b;
}

const boom = (): Promise<never> => Promise.reject(new Error('partner down'));
const fine = (): Promise<string> => Promise.resolve('ok');

async function fail(b: CircuitBreaker, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await expect(b.execute(boom)).rejects.toThrow('partner down');
}

beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
afterEach(() => {
  made.splice(0).forEach((b) => b.dispose());
  jest.useRealTimers();
});

describe('CircuitBreaker — closed and tripping', () => {
  it('passes values and errors through unchanged while closed', async () => {
    const b = breaker();
    await expect(b.execute(fine)).resolves.toBe('ok');
    await expect(b.execute(boom)).rejects.toThrow('partner down');
    expect(b.state).toBe('closed');
  });

  it('opens after `consecutive` failures in a row, and then rejects without calling fn', async () => {
    const b = breaker({ trip: { consecutive: 3 } });
    await fail(b, 3);
    expect(b.state).toBe('open');
    const fn = jest.fn(fine);
    const err: unknown = await b.execute(fn).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(err).toBeInstanceOf(BrokenCircuitError);
    expect(isStatuskitError(err, 'ERR_STATUSKIT_BROKEN_CIRCUIT')).toBe(true);
    expect((err as BrokenCircuitError).message).toBe('circuit "partner" is open: the call was not made');
    expect((err as BrokenCircuitError).cause).toEqual(new Error('partner down'));
  });

  it('a success resets the run of failures', async () => {
    const b = breaker({ trip: { consecutive: 3 } });
    await fail(b, 2);
    await b.execute(fine);
    await fail(b, 2);
    expect(b.state).toBe('closed');
  });

  it('a synchronous throw counts as a failure and is passed on as a rejection', async () => {
    const b = breaker({ trip: { consecutive: 1 } });
    await expect(
      b.execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(b.state).toBe('open');
  });

  it('a rate rule waits for `minCalls`, then opens when the failure rate reaches `rate`', async () => {
    const b = breaker({ trip: { rate: 0.5, minCalls: 10, windowMs: 10_000 } });
    for (let i = 0; i < 5; i++) await b.execute(fine);
    await fail(b, 4);
    expect(b.state).toBe('closed'); // 4 of 9: below minCalls
    await fail(b, 1);
    expect(b.state).toBe('open'); // 5 of 10 = 0.5
  });

  it('a rate rule forgets calls older than the window', async () => {
    const b = breaker({ trip: { rate: 0.5, minCalls: 4, windowMs: 10_000 } });
    await fail(b, 3);
    expect(b.stats()).toMatchObject({ calls: 3, failures: 3 });
    jest.setSystemTime(Date.now() + 11_000);
    expect(b.stats()).toMatchObject({ calls: 0, failures: 0 });
    for (let i = 0; i < 3; i++) await b.execute(fine);
    await fail(b, 1);
    expect(b.state).toBe('closed'); // 1 of 4: the old failures no longer count
  });

  it('`isFailure` returning false passes the error on but counts the call as a success', async () => {
    const notFound = Object.assign(new Error('404'), { status: 404 });
    const b = breaker({
      trip: { consecutive: 2 },
      isFailure: (e) => (e as { status?: number }).status !== 404,
    });
    for (let i = 0; i < 5; i++)
      await expect(b.execute(() => Promise.reject(notFound))).rejects.toBe(notFound);
    expect(b.state).toBe('closed');
    expect(b.stats()).toMatchObject({ calls: 5, failures: 0 });
  });

  it('an `isFailure` that throws counts the error as a failure', async () => {
    const b = breaker({
      trip: { consecutive: 1 },
      isFailure: () => {
        throw new Error('bad predicate');
      },
    });
    await fail(b, 1);
    expect(b.state).toBe('open');
  });
});

describe('CircuitBreaker — half-open', () => {
  it('turns half-open after `halfOpenAfterMs`, lets exactly one trial through, and closes on success', async () => {
    const b = breaker({ trip: { consecutive: 1 }, halfOpenAfterMs: 1000 });
    await fail(b, 1);
    await jest.advanceTimersByTimeAsync(999);
    expect(b.state).toBe('open');
    await jest.advanceTimersByTimeAsync(1);
    expect(b.state).toBe('half-open');
    let release!: (v: string) => void;
    const trial = b.execute(() => new Promise<string>((r) => (release = r)));
    const other = jest.fn(fine);
    const err: unknown = await b.execute(other).catch((e: unknown) => e);
    expect(other).not.toHaveBeenCalled();
    expect((err as BrokenCircuitError).state).toBe('half-open');
    release('trial ok');
    await expect(trial).resolves.toBe('trial ok');
    expect(b.state).toBe('closed');
    expect(b.stats()).toMatchObject({ failures: 0, consecutiveFailures: 0 });
  });

  it('a failed trial opens again for twice as long, capped at `maxHalfOpenAfterMs`', async () => {
    const b = breaker({ trip: { consecutive: 1 }, halfOpenAfterMs: 1000, maxHalfOpenAfterMs: 3000 });
    await fail(b, 1);
    const delays: number[] = [];
    for (let round = 0; round < 4; round++) {
      const openedAt = Date.now();
      while (b.state === 'open') await jest.advanceTimersByTimeAsync(100);
      delays.push(Date.now() - openedAt);
      await fail(b, 1);
    }
    expect(delays).toEqual([1000, 2000, 3000, 3000]);
  });

  it('a success after failed trials resets the delay', async () => {
    const b = breaker({ trip: { consecutive: 1 }, halfOpenAfterMs: 1000 });
    await fail(b, 1);
    await jest.advanceTimersByTimeAsync(1000);
    await fail(b, 1); // next delay 2000
    await jest.advanceTimersByTimeAsync(2000);
    await b.execute(fine);
    await fail(b, 1);
    expect(b.stats().halfOpenAt).toBe(Date.now() + 1000);
  });

  it('a clock running ahead of the timers still lets the trial through', async () => {
    let clock = 0;
    const b = breaker({ trip: { consecutive: 1 }, halfOpenAfterMs: 1000, now: () => clock });
    await fail(b, 1);
    clock = 1000;
    await expect(b.execute(fine)).resolves.toBe('ok');
    expect(b.state).toBe('closed');
  });

  it('a call started before the circuit opened cannot close it', async () => {
    const b = breaker({ trip: { consecutive: 1 } });
    let release!: (v: string) => void;
    const slow = b.execute(() => new Promise<string>((r) => (release = r)));
    await fail(b, 1);
    release('late');
    await slow;
    expect(b.state).toBe('open');
  });
});

describe('CircuitBreaker — events, logs, metrics, dispose', () => {
  it('emits stateChanged and logs one line per change (warn opening, info otherwise)', async () => {
    const { logger, lines } = logSink();
    const b = breaker({ trip: { consecutive: 2 }, halfOpenAfterMs: 500, logger });
    const seen: string[] = [];
    b.on('stateChanged', (c) => seen.push(`${c.from}→${c.to}`));
    b.on('stateChanged', () => {
      throw new Error('listener bug');
    });
    await fail(b, 2);
    await jest.advanceTimersByTimeAsync(500);
    await b.execute(fine);
    expect(seen).toEqual(['closed→open', 'open→half-open', 'half-open→closed']);
    const changes = lines.filter((l) => l.breaker === 'partner' && l.to !== undefined);
    expect(changes.map((l) => [l.level, l.from, l.to])).toEqual([
      [LEVEL.warn, 'closed', 'open'],
      [LEVEL.info, 'open', 'half-open'],
      [LEVEL.info, 'half-open', 'closed'],
    ]);
    expect(changes[0]).toMatchObject({ calls: 2, failures: 2, halfOpenInMs: 500, component: 'breaker' });
    expect((changes[0].err as { message: string }).message).toBe('partner down');
    expect(lines.filter((l) => l.level === LEVEL.error)).toHaveLength(3);
  });

  it('publishes statuskit_breaker_state and statuskit_breaker_calls_total', async () => {
    const registry = new Registry();
    const b = breaker({ trip: { consecutive: 1 }, registry });
    await b.execute(fine);
    await fail(b, 1);
    await expect(b.execute(fine)).rejects.toBeInstanceOf(BrokenCircuitError);
    const text = await registry.metrics();
    expect(text).toContain('statuskit_breaker_state{name="partner"} 2');
    expect(text).toContain('statuskit_breaker_calls_total{name="partner",outcome="success"} 1');
    expect(text).toContain('statuskit_breaker_calls_total{name="partner",outcome="failure"} 1');
    expect(text).toContain('statuskit_breaker_calls_total{name="partner",outcome="rejected"} 1');
    const second = breaker({ name: 'other', registry });
    expect(second.state).toBe('closed');
    expect(await registry.metrics()).toContain('statuskit_breaker_state{name="other"} 0');
  });

  it('dispose aborts the signal of calls in flight and rejects later calls', async () => {
    const b = breaker();
    let signal!: AbortSignal;
    const inflight = b.execute((ctx) => {
      signal = ctx.signal;
      return new Promise((_, reject) =>
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
      );
    });
    b.dispose();
    b.dispose();
    expect(signal.aborted).toBe(true);
    await expect(inflight).rejects.toBeInstanceOf(BrokenCircuitError);
    const err: unknown = await b.execute(fine).catch((e: unknown) => e);
    expect((err as BrokenCircuitError).state).toBe('disposed');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('dispose clears the half-open timer', async () => {
    const b = breaker({ trip: { consecutive: 1 } });
    await fail(b, 1);
    expect(jest.getTimerCount()).toBe(1);
    b.dispose();
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('CircuitBreaker — options', () => {
  it.each([
    [{ name: '' }, 'name'],
    [{ trip: { consecutive: 0 } }, 'trip.consecutive'],
    [{ trip: { consecutive: 2.5 } }, 'trip.consecutive'],
    [{ trip: { rate: 0 } }, 'trip.rate'],
    [{ trip: { rate: 1.5 } }, 'trip.rate'],
    [{ trip: { rate: 0.5, minCalls: 0 } }, 'trip.minCalls'],
    [{ trip: { rate: 0.5, minCalls: 1.5 } }, 'trip.minCalls'],
    [{ trip: { rate: 0.5, windowMs: 0 } }, 'trip.windowMs'],
    [{ trip: { rate: 0.5, consecutive: 3 } }, 'trip'],
    [{ trip: 'fast' }, 'trip'],
    [{ halfOpenAfterMs: 0 }, 'halfOpenAfterMs'],
    [{ halfOpenAfterMs: -5 }, 'halfOpenAfterMs'],
    [{ maxHalfOpenAfterMs: 0 }, 'maxHalfOpenAfterMs'],
    [{ halfOpenAfterMs: 5000, maxHalfOpenAfterMs: 1000 }, 'maxHalfOpenAfterMs'],
    [{ isFailure: 'yes' }, 'isFailure'],
    [{ logger: {} }, 'logger'],
    [{ registry: {} }, 'registry'],
    [{ now: 1 }, 'now'],
  ])('%j throws ConfigError naming `%s`', (opts, option) => {
    let err: unknown;
    try {
      new CircuitBreaker({ name: 'partner', registry: false, ...(opts as object) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).option).toBe(option);
    expect((err as ConfigError).message).toContain(`\`${option}\``);
  });

  it('defaults: five failures in a row, 5 s open', async () => {
    const b = breaker();
    await fail(b, 4);
    expect(b.state).toBe('closed');
    await fail(b, 1);
    expect(b.stats().halfOpenAt).toBe(Date.now() + 5000);
  });
});
