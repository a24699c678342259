import type {
  DependencyChangedEvent,
  SystemChangedEvent,
} from '../../../src/manager/DependencyManagerEvents';
import { ControlledCheck } from '../../support/ControlledCheck';
import { LEVEL, logSink } from '../../support/logSink';
import { fixed, newManager, stopAll } from './managerTestKit';

beforeEach(() => jest.useFakeTimers());
afterEach(async () => {
  await stopAll();
  jest.useRealTimers();
});

const PERIOD = 1000;

describe('manager events', () => {
  it('`changed` fires only on transitions, `checked` after every stored result', async () => {
    const check = new ControlledCheck({ id: 'db', pingPeriodMs: PERIOD });
    const manager = newManager({ defaults: { graceFailures: 0 } });
    const changed: DependencyChangedEvent[] = [];
    let checked = 0;
    manager.on('changed', (e) => changed.push(e));
    manager.on('checked', () => checked++);
    manager.register(check.dependency);
    await manager.start();
    await jest.advanceTimersByTimeAsync(2 * PERIOD); // OK, OK, OK
    check.status = 'MAJOR';
    await jest.advanceTimersByTimeAsync(2 * PERIOD); // MAJOR, MAJOR
    check.status = 'OK';
    await jest.advanceTimersByTimeAsync(PERIOD); // OK

    expect(checked).toBe(6);
    expect(changed.map((e) => [e.from, e.to])).toEqual([
      [null, 'OK'],
      ['OK', 'MAJOR'],
      ['MAJOR', 'OK'],
    ]);
    expect(changed[1].id).toBe('db');
    expect(changed[1].result.status).toBe('MAJOR');
  });

  it('`systemChanged` fires when the aggregated status moves, with the urgency applied', async () => {
    const weak = new ControlledCheck({ id: 'cache', urgency: 'WEAK', pingPeriodMs: PERIOD });
    const manager = newManager({ defaults: { graceFailures: 0 } });
    const system: SystemChangedEvent[] = [];
    manager.on('systemChanged', (e) => system.push(e));
    manager.register(weak.dependency);
    await manager.start();
    weak.status = 'OUTAGE';
    await jest.advanceTimersByTimeAsync(PERIOD);
    await jest.advanceTimersByTimeAsync(PERIOD); // still OUTAGE → no second event
    weak.status = 'OK';
    await jest.advanceTimersByTimeAsync(PERIOD);
    expect(system).toEqual([
      { from: 'OK', to: 'MINOR' },
      { from: 'MINOR', to: 'OK' },
    ]);
  });

  it('a listener that throws or rejects is logged and harms nothing', async () => {
    const { logger, lines } = logSink();
    const manager = newManager({ logger });
    const seen: string[] = [];
    manager.on('checked', () => {
      throw new Error('listener bug');
    });
    // An async listener is exactly what this test is about: its rejection must be caught and logged.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    manager.on('changed', () => Promise.reject(new Error('async listener bug')));
    manager.on('checked', (r) => seen.push(r.id));
    manager.register(fixed('db', 'OUTAGE'));
    await manager.start();
    await jest.advanceTimersByTimeAsync(0);

    expect(seen).toEqual(['db']);
    expect(manager.systemStatus).toBe('OUTAGE');
    expect(manager.ready).toBe(true);
    const errors = lines.filter((l) => l.level === LEVEL.error);
    expect(errors.map((l) => l.event)).toEqual(['checked', 'changed']);
    expect(errors[0].err).toMatchObject({ message: 'listener bug' });
    expect(JSON.stringify(errors)).not.toMatch(/\n\s+at /);
  });

  it('`added` and `removed` carry the registered dependency', async () => {
    const manager = newManager();
    const dep = fixed('db', 'OK');
    const added = jest.fn();
    const removed = jest.fn();
    manager.on('added', added).on('removed', removed);
    manager.register(dep);
    expect(added).toHaveBeenCalledWith(dep);
    expect(manager.unregister('db')).toBe(true);
    expect(removed).toHaveBeenCalledWith(dep);
    expect(manager.unregister('db')).toBe(false);
    expect(removed).toHaveBeenCalledTimes(1);
  });

  it('`ready` fires once the first round has finished', async () => {
    const slow = new ControlledCheck({ id: 'slow' });
    slow.delayMs = 500;
    const manager = newManager();
    const ready = jest.fn();
    manager.on('ready', ready);
    manager.register(slow.dependency).register(fixed('fast', 'OK'));
    const started = manager.start();
    await jest.advanceTimersByTimeAsync(499);
    expect([manager.ready, ready.mock.calls.length]).toEqual([false, 0]);
    expect(manager.snapshot().get('fast')?.status).toBe('OK');
    await jest.advanceTimersByTimeAsync(1);
    await started;
    expect([manager.ready, ready.mock.calls.length]).toEqual([true, 1]);
  });

  it('`draining` fires once when drain() is first called', () => {
    const manager = newManager();
    const draining = jest.fn();
    manager.on('draining', draining);
    expect(manager.draining).toBe(false);
    manager.drain();
    manager.drain();
    expect(manager.draining).toBe(true);
    expect(draining).toHaveBeenCalledTimes(1);
  });

  it('once-listeners are honoured', async () => {
    const manager = newManager();
    const once = jest.fn();
    manager.once('checked', once);
    manager.register(fixed('a', 'OK')).register(fixed('b', 'OK'));
    await manager.evaluate();
    expect(once).toHaveBeenCalledTimes(1);
  });
});

describe('re-entrant listeners', () => {
  it('a listener that unregisters a dependency keeps `systemChanged` a consistent chain', async () => {
    const manager = newManager();
    const chain: string[] = [];
    manager.on('systemChanged', (e) => chain.push(`${e.from}→${e.to}`));
    manager.on('checked', (r) => {
      if (r.id === 'b') manager.unregister('a');
    });
    manager.register(fixed('a', 'OUTAGE')).register(fixed('b', 'MINOR'));
    await manager.evaluate('a');
    await manager.evaluate('b');
    expect(chain).toEqual(['OK→OUTAGE', 'OUTAGE→MINOR']);
    expect(manager.systemStatus).toBe('MINOR');
  });
});

describe('event typing', () => {
  it('subscriptions are typed by event name, and unknown names do not compile', () => {
    const manager = newManager();
    const ids: string[] = [];
    manager.on('checked', (r) => ids.push(r.id)).once('systemChanged', ({ from, to }) => ids.push(from + to));
    // @ts-expect-error 'nope' is not a manager event
    manager.on('nope', () => undefined);
    // @ts-expect-error a 'changed' listener receives an event object, not a string
    manager.on('changed', (e: string) => e);
    expect(manager.listenerCount('checked')).toBe(1);
  });
});
