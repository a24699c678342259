import { CircuitBreaker } from '../../../src/breaker/CircuitBreaker';
import type { CircuitBreakerOptions } from '../../../src/breaker/CircuitBreakerOptions';
import { ConfigError } from '../../../src/errors/ConfigError';
import type { Dependency } from '../../../src/dependencies/Dependency';
import { ControlledCheck } from '../../support/ControlledCheck';
import { newManager, stopAll } from '../manager/managerTestKit';

const breakers: CircuitBreaker[] = [];
function breaker(opts: Partial<CircuitBreakerOptions> = {}): CircuitBreaker {
  const b = new CircuitBreaker({ name: 'partner', registry: false, trip: { consecutive: 3 }, ...opts });
  breakers.push(b);
  return b;
}
const boom = (): Promise<never> => Promise.reject(new Error('partner down'));
async function fail(b: CircuitBreaker, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await b.execute(boom).catch(() => undefined);
}

beforeEach(() => jest.useFakeTimers({ now: Date.UTC(2026, 11, 2, 14, 0, 0) }));
afterEach(async () => {
  await stopAll();
  breakers.splice(0).forEach((b) => b.dispose());
  jest.useRealTimers();
});

describe('a dependency known from its breaker only', () => {
  it('reports OK while closed, OUTAGE as soon as the breaker opens, capped by urgency', async () => {
    const b = breaker();
    const manager = newManager();
    manager.register({ id: 'partner-api', urgency: 'WEAK', breaker: b });
    await manager.start();
    expect(manager.snapshot().get('partner-api')).toMatchObject({
      status: 'OK',
      message: 'circuit closed, 0 failures of 0 calls in the last 10 s',
    });
    const changes: string[] = [];
    manager.on('changed', (c) => changes.push(`${c.from}→${c.to}`));
    await fail(b, 3);
    await jest.advanceTimersByTimeAsync(0);
    const r = manager.snapshot().get('partner-api');
    expect(r).toMatchObject({
      status: 'OUTAGE',
      message: 'circuit open since 2026-12-02T14:00:00.000Z, 3 failures of 3 calls in the last 10 s',
      consecutiveFailures: 3,
    });
    expect(changes).toEqual(['OK→OUTAGE']);
    expect(manager.systemStatus).toBe('MINOR'); // WEAK: degraded, not out
  });

  it('half-open reports MAJOR, and a successful trial brings it back to OK', async () => {
    const b = breaker({ halfOpenAfterMs: 1000 });
    const manager = newManager();
    manager.register({ id: 'partner-api', urgency: 'REQUIRED', breaker: b });
    await manager.start();
    await fail(b, 3);
    await jest.advanceTimersByTimeAsync(1000);
    expect(manager.snapshot().get('partner-api')).toMatchObject({
      status: 'MAJOR',
      message: 'circuit half-open since 2026-12-02T14:00:01.000Z, trying one call',
    });
    expect(manager.systemStatus).toBe('MAJOR');
    await b.execute(() => Promise.resolve('ok'));
    await jest.advanceTimersByTimeAsync(0);
    expect(manager.snapshot().get('partner-api')?.status).toBe('OK');
    expect(manager.systemStatus).toBe('OK');
  });

  it('reports MINOR after a recent failure while closed, and OK once it left the window', async () => {
    const b = breaker({ trip: { consecutive: 5, windowMs: 2000 } });
    const manager = newManager();
    manager.register({ id: 'partner-api', breaker: b, pingPeriodMs: 1000 });
    await manager.start();
    await fail(b, 1);
    await jest.advanceTimersByTimeAsync(1000);
    expect(manager.snapshot().get('partner-api')).toMatchObject({
      status: 'MINOR',
      message: 'circuit closed, 1 failure of 1 call in the last 2 s',
    });
    await jest.advanceTimersByTimeAsync(2000);
    expect(manager.snapshot().get('partner-api')?.status).toBe('OK');
  });

  it('stops following the breaker once unregistered', async () => {
    const b = breaker();
    const manager = newManager();
    manager.register({ id: 'partner-api', breaker: b });
    await manager.start();
    expect(b.listenerCount('stateChanged')).toBe(1);
    manager.unregister('partner-api');
    expect(b.listenerCount('stateChanged')).toBe(0);
    await fail(b, 3);
    expect(manager.snapshot().get('partner-api')).toBeUndefined();
    expect(manager.systemStatus).toBe('OK');
  });
});

describe('a dependency with a check and a breaker', () => {
  function both(b: CircuitBreaker): { check: ControlledCheck; dep: Dependency } {
    const check = new ControlledCheck({ id: 'partner-api', pingPeriodMs: 1000, timeoutMs: 200 });
    return { check, dep: { ...check.dependency, breaker: b } };
  }

  it('reports the worse of the two, with the worse side’s message', async () => {
    const b = breaker();
    const { check, dep } = both(b);
    const manager = newManager();
    manager.register(dep);
    await manager.start();
    expect(manager.snapshot().get('partner-api')).toMatchObject({ status: 'OK', message: 'ok' });
    await fail(b, 3);
    await jest.advanceTimersByTimeAsync(0);
    expect(manager.snapshot().get('partner-api')?.message).toMatch(/^circuit open since /);
    expect(manager.snapshot().get('partner-api')?.status).toBe('OUTAGE');
    check.status = 'MAJOR';
    await b.execute(() => Promise.resolve(1)).catch(() => undefined);
    expect(b.state).toBe('open');
    expect(manager.snapshot().get('partner-api')?.status).toBe('OUTAGE');
  });

  it('an open breaker is not softened by the check’s grace rule', async () => {
    const b = breaker();
    const { check, dep } = both(b);
    const manager = newManager();
    manager.register(dep);
    await manager.start();
    check.status = 'OUTAGE';
    await jest.advanceTimersByTimeAsync(1000);
    expect(manager.snapshot().get('partner-api')?.status).toBe('MINOR'); // the check's first failure: grace
    await fail(b, 3);
    await jest.advanceTimersByTimeAsync(0);
    expect(manager.snapshot().get('partner-api')?.status).toBe('OUTAGE');
  });

  it('a state change shows at once even while a slow check is running', async () => {
    const b = breaker();
    const { check, dep } = both(b);
    const manager = newManager();
    manager.register(dep);
    await manager.start();
    check.delayMs = 150; // the next ping is in flight when the breaker opens
    await jest.advanceTimersByTimeAsync(1000);
    await fail(b, 3);
    await jest.advanceTimersByTimeAsync(0);
    expect(manager.snapshot().get('partner-api')?.status).toBe('OUTAGE');
  });

  it('a check worse than a closed breaker keeps the check’s message', async () => {
    const b = breaker();
    const { check, dep } = both(b);
    check.status = 'MAJOR';
    const manager = newManager();
    manager.register(dep);
    await manager.start();
    expect(manager.snapshot().get('partner-api')).toMatchObject({ status: 'MAJOR', message: 'major' });
  });
});

describe('register() with a breaker', () => {
  it('refuses a dependency with neither check nor breaker, naming the check', () => {
    const manager = newManager();
    expect(() => manager.register({ id: 'x' } as Dependency)).toThrow(ConfigError);
    expect(() => manager.register({ id: 'x' } as Dependency)).toThrow('`dependency.check`');
  });

  it('refuses a breaker that is not a CircuitBreaker', () => {
    const manager = newManager();
    const bad = { id: 'x', breaker: { execute: () => undefined } } as unknown as Dependency;
    expect(() => manager.register(bad)).toThrow('`dependency.breaker` must be a CircuitBreaker');
  });
});
