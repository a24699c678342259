import { performance } from 'node:perf_hooks';
import { isStatuskitError } from '../../../src/errors/StatuskitError';
import { UnknownDependencyError } from '../../../src/errors/UnknownDependencyError';
import { ControlledCheck } from '../../support/ControlledCheck';
import { fixed, newManager, stopAll } from './managerTestKit';

afterEach(async () => {
  await stopAll();
  jest.useRealTimers();
});

describe('a check that times out (real timers)', () => {
  it('is an OUTAGE, Timed out prior to completion, within 2× its timeout; its signal is aborted; the next run is unaffected', async () => {
    const check = new ControlledCheck({ id: 'db', timeoutMs: 500, mode: 'live' });
    check.hang = true;
    check.honourAbort = false; // the worst case: the check ignores its signal
    const manager = newManager();
    manager.register(check.dependency);

    const t0 = performance.now();
    const r = await manager.evaluate('db');
    const elapsed = performance.now() - t0;
    expect(r.status).toBe('OUTAGE');
    expect(r.message).toBe('Timed out prior to completion');
    expect(elapsed).toBeGreaterThanOrEqual(490);
    expect(elapsed).toBeLessThan(1000);
    expect(check.signals[0].aborted).toBe(true);

    check.hang = false;
    const next = await manager.evaluate('db');
    expect(next.status).toBe('OK');
    expect(check.signals[1].aborted).toBe(false);
  });
});

describe('evaluate', () => {
  it('evaluate(id) returns the raw status, not urgency-capped', async () => {
    const manager = newManager();
    manager.register(fixed('ads', 'OUTAGE', 'NONE'));
    expect((await manager.evaluate('ads')).status).toBe('OUTAGE');
    expect(manager.systemStatus).toBe('OK');
  });

  it('an unknown id rejects with UnknownDependencyError', async () => {
    const manager = newManager();
    manager.register(fixed('db', 'OK'));
    await expect(manager.evaluate('nope')).rejects.toBeInstanceOf(UnknownDependencyError);
    await expect(manager.evaluate('nope')).rejects.toMatchObject({
      code: 'ERR_STATUSKIT_UNKNOWN_DEPENDENCY',
      dependency: 'nope',
    });
    manager.unregister('db');
    const err: unknown = await manager.evaluate('db').catch((e: unknown) => e);
    expect(isStatuskitError(err, 'ERR_STATUSKIT_UNKNOWN_DEPENDENCY')).toBe(true);
  });

  it('live dependencies run on every evaluate(), in parallel', async () => {
    jest.useFakeTimers();
    const checks = ['a', 'b', 'c'].map((id) => new ControlledCheck({ id, mode: 'live' }));
    const manager = newManager();
    for (const c of checks) {
      c.delayMs = 100;
      manager.register(c.dependency);
    }
    let done = false;
    const p = manager.evaluate().then((set) => {
      done = true;
      return set;
    });
    await jest.advanceTimersByTimeAsync(100);
    expect(done).toBe(true);
    expect((await p).results.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    const second = manager.evaluate();
    await jest.advanceTimersByTimeAsync(100);
    await second;
    expect(checks.map((c) => c.calls)).toEqual([2, 2, 2]);
  });

  it('concurrent evaluations of one live dependency share one run', async () => {
    const check = new ControlledCheck({ id: 'api', mode: 'live' });
    check.delayMs = 20;
    const manager = newManager();
    manager.register(check.dependency);
    const [a, b, set] = await Promise.all([
      manager.evaluate('api'),
      manager.evaluate('api'),
      manager.evaluate(),
    ]);
    expect(check.calls).toBe(1);
    expect(a).toBe(b);
    expect(set.get('api')).toBe(a);
  });

  it('evaluate() reports how long it took; snapshot() 0', async () => {
    jest.useFakeTimers();
    const check = new ControlledCheck({ id: 'api', mode: 'live' });
    check.delayMs = 250;
    const manager = newManager();
    manager.register(check.dependency);
    const p = manager.evaluate();
    await jest.advanceTimersByTimeAsync(250);
    const set = await p;
    expect(set.durationMs).toBeGreaterThanOrEqual(250);
    expect(set.get('api')?.durationMs).toBeGreaterThanOrEqual(250);
    expect(manager.snapshot().durationMs).toBe(0);
  });
});

describe('snapshot', () => {
  it('is synchronous, leaves never-run dependencies out and sorts by id', async () => {
    const manager = newManager();
    const never = new ControlledCheck({ id: 'never' });
    manager.register(fixed('zeta', 'OK')).register(fixed('alpha', 'MINOR')).register(never.dependency);
    expect(manager.snapshot().results).toEqual([]);
    await Promise.all([manager.evaluate('zeta'), manager.evaluate('alpha')]);
    const set = manager.snapshot();
    expect(set.results.map((r) => r.id)).toEqual(['alpha', 'zeta']);
    expect(set.systemStatus).toBe('MINOR');
    expect(set.get('never')).toBeUndefined();
    expect(never.calls).toBe(0);
  });

  it('carries every CheckResult field', async () => {
    const manager = newManager({ now: () => 1_700_000_000_000 });
    manager.register({
      id: 'db',
      description: 'orders database',
      urgency: 'STRONG',
      type: 'database',
      documentationUrl: 'https://runbooks.example/db',
      check: () => ({ status: 'OK', message: 'select 1', observedValue: 3, observedUnit: 'ms' }),
    });
    await manager.evaluate();
    const r = manager.snapshot().get('db')!;
    expect({ ...r, durationMs: 0 }).toEqual({
      id: 'db',
      status: 'OK',
      message: 'select 1',
      description: 'orders database',
      urgency: 'STRONG',
      type: 'database',
      documentationUrl: 'https://runbooks.example/db',
      timestamp: 1_700_000_000_000,
      durationMs: 0,
      lastKnownGoodTimestamp: 1_700_000_000_000,
      since: 1_700_000_000_000,
      consecutiveFailures: 0,
      observedValue: 3,
      observedUnit: 'ms',
    });
    expect(Object.isFrozen(r)).toBe(true);
  });

  it('is the same object until a new result arrives', async () => {
    const manager = newManager();
    manager.register({ ...fixed('db', 'OK'), mode: 'live' });
    await manager.evaluate();
    const first = manager.snapshot();
    expect(manager.snapshot()).toBe(first);
    await manager.evaluate();
    expect(manager.snapshot()).not.toBe(first);
  });
});

describe('start and stop', () => {
  it('stop() aborts runs in flight and resolves at once, even when the check ignores its signal', async () => {
    const check = new ControlledCheck({ id: 'db', timeoutMs: 0 });
    check.hang = true;
    check.honourAbort = false;
    const manager = newManager();
    manager.register(check.dependency);
    void manager.start();
    await new Promise((r) => setImmediate(r));
    await manager.stop();
    expect(check.signals[0].aborted).toBe(true);
    expect(manager.snapshot().get('db')).toBeUndefined(); // an aborted run says nothing
    expect(manager.ready).toBe(false);
  });

  it('calling stop() twice is harmless, and no check runs after it', async () => {
    jest.useFakeTimers();
    const check = new ControlledCheck({ id: 'db', pingPeriodMs: 1000 });
    const manager = newManager();
    manager.register(check.dependency);
    await manager.start();
    await manager.stop();
    await manager.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(check.calls).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('start() twice shares the first round; start() after stop() resumes the timers', async () => {
    jest.useFakeTimers();
    const check = new ControlledCheck({ id: 'db', pingPeriodMs: 1000 });
    const manager = newManager();
    manager.register(check.dependency);
    const a = manager.start();
    expect(manager.start()).toBe(a);
    await a;
    await manager.stop();
    await manager.start();
    expect(manager.ready).toBe(true);
    await jest.advanceTimersByTimeAsync(1000);
    expect(check.calls).toBe(3);
  });

  it('a dependency registered after start() runs at once and then on its timer', async () => {
    jest.useFakeTimers();
    const manager = newManager();
    await manager.start();
    const check = new ControlledCheck({ id: 'late', pingPeriodMs: 1000 });
    manager.register(check.dependency);
    await jest.advanceTimersByTimeAsync(0);
    expect(manager.snapshot().get('late')?.status).toBe('OK');
    await jest.advanceTimersByTimeAsync(1000);
    expect(check.calls).toBe(2);
  });

  it('unregister() stops the timer and aborts a run in flight', async () => {
    jest.useFakeTimers();
    const check = new ControlledCheck({ id: 'db', pingPeriodMs: 1000 });
    const manager = newManager();
    manager.register(check.dependency);
    await manager.start();
    check.delayMs = 500;
    await jest.advanceTimersByTimeAsync(1100); // second run in flight
    expect(manager.unregister('db')).toBe(true);
    expect(check.signals[1].aborted).toBe(true);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(check.calls).toBe(2);
    expect(manager.snapshot().results).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('an id can be registered again after unregister()', async () => {
    const manager = newManager();
    manager.register(fixed('db', 'OUTAGE'));
    await manager.evaluate();
    manager.unregister('db');
    manager.register(fixed('db', 'OK'));
    expect((await manager.evaluate('db')).status).toBe('OK');
    expect(manager.systemStatus).toBe('OK');
  });
});
