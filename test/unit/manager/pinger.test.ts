import { ControlledCheck } from '../../support/ControlledCheck';
import { newManager, stopAll } from './managerTestKit';

beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
afterEach(async () => {
  await stopAll();
  jest.useRealTimers();
});

const PERIOD = 1000;

function controlled(id = 'db'): ControlledCheck {
  return new ControlledCheck({ id, pingPeriodMs: PERIOD, timeoutMs: 200 });
}

describe('the background pinger', () => {
  it('a dependency that never succeeded reports its failure at once', async () => {
    const check = controlled();
    check.status = 'OUTAGE';
    const manager = newManager();
    manager.register(check.dependency);
    await manager.start();
    const r = await manager.evaluate('db');
    expect(r.status).toBe('OUTAGE');
    expect(r.consecutiveFailures).toBe(1);
    expect(r.lastKnownGoodTimestamp).toBe(0);
  });

  it('after a success, the first two failures report MINOR and the third the real status', async () => {
    const check = controlled();
    const manager = newManager();
    manager.register(check.dependency);
    await manager.start();
    const goodAt = (await manager.evaluate('db')).timestamp;
    expect(manager.snapshot().get('db')?.status).toBe('OK');

    check.status = 'OUTAGE';
    const seen: [string, number][] = [];
    for (let i = 0; i < 4; i++) {
      await jest.advanceTimersByTimeAsync(PERIOD);
      const r = manager.snapshot().get('db')!;
      seen.push([r.status, r.consecutiveFailures]);
      expect(r.lastKnownGoodTimestamp).toBe(goodAt);
    }
    expect(seen).toEqual([
      ['MINOR', 1],
      ['MINOR', 2],
      ['OUTAGE', 3],
      ['OUTAGE', 4],
    ]);
    expect(check.calls).toBe(5);
  });

  it('a success resets the failure count, so the grace applies again', async () => {
    const check = controlled();
    const manager = newManager();
    manager.register(check.dependency);
    await manager.start();
    check.error = new Error('connection refused');
    await jest.advanceTimersByTimeAsync(3 * PERIOD);
    expect(manager.snapshot().get('db')?.status).toBe('OUTAGE');

    check.error = undefined;
    await jest.advanceTimersByTimeAsync(PERIOD);
    const ok = manager.snapshot().get('db')!;
    expect(ok.status).toBe('OK');
    expect(ok.consecutiveFailures).toBe(0);
    expect(ok.lastKnownGoodTimestamp).toBe(ok.timestamp);

    check.status = 'MAJOR';
    await jest.advanceTimersByTimeAsync(PERIOD);
    expect(manager.snapshot().get('db')?.status).toBe('MINOR');
    await jest.advanceTimersByTimeAsync(2 * PERIOD);
    expect(manager.snapshot().get('db')?.status).toBe('MAJOR');
  });

  it('graceFailures: 0 reports every failure at once', async () => {
    const check = controlled();
    const manager = newManager({ defaults: { graceFailures: 0 } });
    manager.register(check.dependency);
    await manager.start();
    check.status = 'OUTAGE';
    await jest.advanceTimersByTimeAsync(PERIOD);
    expect(manager.snapshot().get('db')?.status).toBe('OUTAGE');
  });

  it('runs on a fixed delay after the previous run ends, so a slow run never overlaps the next', async () => {
    const check = controlled();
    check.delayMs = 150;
    const manager = newManager();
    manager.register(check.dependency);
    const started = manager.start();
    await jest.advanceTimersByTimeAsync(150);
    await started;
    const starts = [manager.snapshot().get('db')!.timestamp];
    for (let i = 0; i < 3; i++) {
      await jest.advanceTimersByTimeAsync(PERIOD + 150);
      starts.push(manager.snapshot().get('db')!.timestamp);
    }
    const gaps = starts.slice(1).map((t, i) => t - starts[i]);
    expect(gaps).toEqual([PERIOD + 150, PERIOD + 150, PERIOD + 150]);
    expect(check.calls).toBe(4);
  });

  it('one slow dependency delays no other', async () => {
    const slow = controlled('slow');
    slow.hang = true;
    slow.honourAbort = false;
    const fast = controlled('fast');
    const manager = newManager();
    manager.register({ ...slow.dependency, timeoutMs: 5000 }).register(fast.dependency);
    void manager.start();
    await jest.advanceTimersByTimeAsync(4 * PERIOD);
    expect(fast.calls).toBe(5);
    expect(slow.calls).toBe(1);
  });

  it('a read before the first run triggers exactly one run, and later reads none', async () => {
    const check = controlled();
    const manager = newManager();
    manager.register(check.dependency);
    const [a, b, set] = await Promise.all([
      manager.evaluate('db'),
      manager.evaluate('db'),
      manager.evaluate(),
    ]);
    expect(check.calls).toBe(1);
    expect(a).toBe(b);
    expect(set.get('db')).toBe(a);

    await manager.evaluate('db');
    await manager.evaluate();
    manager.snapshot();
    await jest.advanceTimersByTimeAsync(10 * PERIOD);
    expect(check.calls).toBe(1);
  });

  it('reads after start() are answered from cache; only the timer runs the check', async () => {
    const check = controlled();
    const manager = newManager();
    manager.register(check.dependency);
    await manager.start();
    for (let i = 0; i < 20; i++) await manager.evaluate('db');
    await manager.evaluate();
    expect(check.calls).toBe(1);
    await jest.advanceTimersByTimeAsync(PERIOD);
    expect(check.calls).toBe(2);
  });

  it('a result older than 3 × pingPeriodMs + timeoutMs reports OUTAGE, stale', async () => {
    const check = new ControlledCheck({ id: 'db', pingPeriodMs: PERIOD, timeoutMs: 0 });
    const manager = newManager();
    manager.register(check.dependency);
    await manager.start();
    check.hang = true; // with no timeout, the next run never ends
    await jest.advanceTimersByTimeAsync(3 * PERIOD - 1);
    expect(manager.systemStatus).toBe('OK');
    await jest.advanceTimersByTimeAsync(1);
    const r = await manager.evaluate('db');
    expect(r.status).toBe('OUTAGE');
    expect(r.message).toMatch(/^stale/);
    expect(manager.systemStatus).toBe('OUTAGE');
    expect(check.calls).toBe(2);
  });

  it('a disabled dependency is skipped and reports OK, disabled', async () => {
    let enabled = false;
    const check = controlled();
    check.status = 'OUTAGE';
    const manager = newManager();
    manager.register({ ...check.dependency, toggle: () => enabled });
    await manager.start();
    const r = manager.snapshot().get('db')!;
    expect([r.status, r.message, check.calls]).toEqual(['OK', 'disabled', 0]);
    enabled = true;
    await jest.advanceTimersByTimeAsync(PERIOD);
    expect(manager.snapshot().get('db')?.status).toBe('OUTAGE');
    expect(check.calls).toBe(1);
  });
});
