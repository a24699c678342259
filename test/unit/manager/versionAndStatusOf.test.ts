import type { DependencyManagerEventName } from '../../../src/manager/DependencyManagerEvents';
import { ControlledCheck } from '../../support/ControlledCheck';
import { fixed, newManager, stopAll } from './managerTestKit';

beforeEach(() => jest.useFakeTimers());
afterEach(async () => {
  await stopAll();
  jest.useRealTimers();
});

const PERIOD = 1000;

describe('DependencyManager.version', () => {
  it('moves on every event that can change a health answer, before its listeners run', async () => {
    const manager = newManager({ defaults: { graceFailures: 0 } });
    const seen: [DependencyManagerEventName, number][] = [];
    const events: DependencyManagerEventName[] = [
      'added',
      'removed',
      'checked',
      'ready',
      'draining',
      'systemChanged',
    ];
    for (const e of events) manager.on(e, () => seen.push([e, manager.version]));
    const check = new ControlledCheck({ id: 'db', urgency: 'REQUIRED', pingPeriodMs: PERIOD });

    expect(manager.version).toBe(0);
    manager.register(check.dependency);
    await manager.start();
    check.status = 'OUTAGE';
    await jest.advanceTimersByTimeAsync(PERIOD);
    manager.drain();
    manager.unregister('db');

    expect(seen.map(([e]) => e)).toEqual([
      'added',
      'checked',
      'ready',
      'checked',
      'systemChanged',
      'draining',
      'systemChanged',
      'removed',
    ]);
    // Each event saw a larger version than the one before it: every kind bumps the counter.
    const versions = seen.map(([, v]) => v);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(manager.version).toBe(8);
  });

  it('stays put when nothing happens', () => {
    const manager = newManager();
    manager.register(fixed('db', 'OK'));
    const v = manager.version;
    manager.snapshot();
    void manager.systemStatus;
    manager.statusOf('db');
    manager.drain();
    manager.drain(); // a second drain emits nothing
    expect(manager.version).toBe(v + 1);
  });
});

describe('DependencyManager.statusOf', () => {
  it('follows the latest result and forgets a removed dependency', async () => {
    const manager = newManager({ defaults: { graceFailures: 0 } });
    const check = new ControlledCheck({ id: 'db', pingPeriodMs: PERIOD });
    manager.register(check.dependency);
    expect(manager.statusOf('db')).toBeUndefined(); // registered, no result yet

    await manager.start();
    expect(manager.statusOf('db')).toBe('OK');
    check.status = 'MAJOR';
    await jest.advanceTimersByTimeAsync(PERIOD);
    expect(manager.statusOf('db')).toBe('MAJOR');

    manager.unregister('db');
    expect(manager.statusOf('db')).toBeUndefined();
    expect(manager.statusOf('nope')).toBeUndefined();
  });
});
