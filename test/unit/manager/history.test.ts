import { isStatuskitError } from '../../../src/errors/StatuskitError';
import { UnknownDependencyError } from '../../../src/errors/UnknownDependencyError';
import { ControlledCheck } from '../../support/ControlledCheck';
import { fixed, newManager, stopAll } from './managerTestKit';

const T0 = 1_700_000_000_000;
const PERIOD = 1000;

beforeEach(() => jest.useFakeTimers({ now: T0 }));
afterEach(async () => {
  await stopAll();
  jest.useRealTimers();
});

/** A started manager with one background dependency `db` (REQUIRED, no grace) the test drives. */
async function flapping(historySize?: number) {
  const manager = newManager({ defaults: { graceFailures: 0 }, historySize });
  const db = new ControlledCheck({ id: 'db', urgency: 'REQUIRED', pingPeriodMs: PERIOD });
  manager.register(db.dependency);
  await manager.start();
  /** Makes the next run report `status` and lets it run (one ping period later). */
  const next = async (status: 'OK' | 'MINOR' | 'MAJOR' | 'OUTAGE', message?: string) => {
    db.status = status;
    db.message = message;
    await jest.advanceTimersByTimeAsync(PERIOD);
  };
  return { manager, db, next };
}

describe('manager.history(id)', () => {
  it('lists a dependency’s status changes newest first, each with from, to, at and the message', async () => {
    const { manager, next } = await flapping();
    await next('OUTAGE', 'connection refused');
    await next('OUTAGE', 'connection refused'); // same status: not a change
    await next('OK');
    expect(manager.history('db')).toEqual([
      { id: 'db', from: 'OUTAGE', to: 'OK', at: T0 + 3 * PERIOD, message: 'ok' },
      { id: 'db', from: 'OK', to: 'OUTAGE', at: T0 + PERIOD, message: 'connection refused' },
      { id: 'db', from: null, to: 'OK', at: T0, message: 'ok' },
    ]);
    expect(Object.isFrozen(manager.history('db'))).toBe(true);
    expect(Object.isFrozen(manager.history('db')[0])).toBe(true);
  });

  it('keeps only the last historySize changes (default 20), however long it flaps', async () => {
    const { manager, next } = await flapping();
    for (let i = 0; i < 30; i++) await next(i % 2 === 0 ? 'OUTAGE' : 'OK');
    const changes = manager.history('db');
    expect(changes).toHaveLength(20);
    expect(changes[0]).toMatchObject({ from: 'OUTAGE', to: 'OK', at: T0 + 30 * PERIOD });
    expect(changes[19]).toMatchObject({ at: T0 + 11 * PERIOD });
    const small = await flapping(3);
    for (let i = 0; i < 5; i++) await small.next(i % 2 === 0 ? 'MAJOR' : 'OK');
    expect(small.manager.history('db').map((c) => c.to)).toEqual(['MAJOR', 'OK', 'MAJOR']);
  });

  it('is empty for a registered dependency before its first result', () => {
    const manager = newManager();
    manager.register(fixed('db', 'OK'));
    expect(manager.history('db')).toEqual([]);
  });

  it('throws UnknownDependencyError for an id no dependency has, and for one unregistered', async () => {
    const { manager } = await flapping();
    const err = (() => {
      try {
        manager.history('nope');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UnknownDependencyError);
    expect(err).toMatchObject({
      code: 'ERR_STATUSKIT_UNKNOWN_DEPENDENCY',
      dependency: 'nope',
      message: 'no dependency is registered with id "nope"',
    });
    expect(isStatuskitError(err, 'ERR_STATUSKIT_UNKNOWN_DEPENDENCY')).toBe(true);
    manager.unregister('db');
    expect(() => manager.history('db')).toThrow(UnknownDependencyError);
    // Same rule as evaluate(id); statusOf(id) stays an O(1) read that answers undefined.
    await expect(manager.evaluate('db')).rejects.toThrow(UnknownDependencyError);
    expect(manager.statusOf('db')).toBeUndefined();
  });

  it('starts afresh for a dependency registered again under a removed id', async () => {
    const { manager, next } = await flapping();
    await next('OUTAGE');
    manager.unregister('db');
    manager.register({ ...fixed('db', 'MINOR'), mode: 'live' });
    await manager.evaluate('db');
    expect(manager.history('db')).toEqual([
      { id: 'db', from: null, to: 'MINOR', at: Date.now(), message: 'minor' },
    ]);
  });

  it('carries messages redacted, as every view does', async () => {
    const { manager, next } = await flapping();
    await next('OUTAGE', 'connect postgres://shop:s3cret@db:5432/shop failed');
    expect(manager.history('db')[0].message).toBe('connect postgres://***@db:5432/shop failed');
    expect(JSON.stringify(manager.history())).not.toContain('s3cret');
  });
});

describe('manager.history() (the system)', () => {
  it('lists the system’s changes newest first, each naming the dependency that moved it', async () => {
    const { manager, next } = await flapping();
    manager.register({ ...fixed('cache', 'OUTAGE', 'WEAK'), mode: 'live' });
    await manager.evaluate(); // cache's OUTAGE is capped at MINOR by its urgency
    const cacheAt = Date.now();
    await next('OUTAGE', 'down');
    await next('OK');
    manager.unregister('cache');
    expect(manager.history()).toEqual([
      { id: 'cache', from: 'MINOR', to: 'OK', at: Date.now(), message: 'unregistered' },
      { id: 'db', from: 'OUTAGE', to: 'MINOR', at: T0 + 2 * PERIOD, message: 'ok' },
      { id: 'db', from: 'MINOR', to: 'OUTAGE', at: T0 + PERIOD, message: 'down' },
      { id: 'cache', from: 'OK', to: 'MINOR', at: cacheAt, message: 'outage' },
    ]);
  });

  it('answers [] everywhere with historySize 0, while since is still kept', async () => {
    const { manager, next } = await flapping(0);
    await next('OUTAGE');
    await next('OUTAGE');
    expect(manager.history()).toEqual([]);
    expect(manager.history('db')).toEqual([]);
    expect(manager.snapshot().get('db')?.since).toBe(T0 + PERIOD);
    expect(manager.snapshot().since).toBe(T0 + PERIOD);
  });
});

describe('since', () => {
  it('is when a result entered its status, and survives results that repeat it', async () => {
    const { manager, next } = await flapping();
    expect(manager.snapshot().get('db')?.since).toBe(T0);
    await next('OK');
    await next('OK');
    expect(manager.snapshot().get('db')).toMatchObject({
      status: 'OK',
      since: T0,
      timestamp: T0 + 2 * PERIOD,
    });
    await next('MAJOR');
    await next('MAJOR');
    expect(manager.snapshot().get('db')).toMatchObject({ status: 'MAJOR', since: T0 + 3 * PERIOD });
  });

  it('moves when a result turns stale (OUTAGE from then on)', async () => {
    // No timeout: a hanging run leaves the latest result to age past 3 ping periods.
    const manager = newManager({ defaults: { graceFailures: 0, timeoutMs: 0 } });
    const db = new ControlledCheck({ id: 'db', urgency: 'REQUIRED', pingPeriodMs: PERIOD });
    manager.register(db.dependency);
    await manager.start();
    db.hang = true;
    await jest.advanceTimersByTimeAsync(3 * PERIOD);
    expect(manager.snapshot().get('db')).toMatchObject({ status: 'OUTAGE', since: T0 + 3 * PERIOD });
    expect(manager.history('db')[0]).toMatchObject({ from: 'OK', to: 'OUTAGE', at: T0 + 3 * PERIOD });
    expect(manager.history('db')[0].message).toMatch(/^stale: /);
  });

  it('of the system: the manager’s creation until the system status moves, then the move', async () => {
    const { manager, next } = await flapping();
    expect(manager.snapshot().since).toBe(T0);
    await next('MINOR');
    expect(manager.snapshot()).toMatchObject({ systemStatus: 'MINOR', since: T0 + PERIOD });
    await next('MINOR');
    expect(manager.snapshot().since).toBe(T0 + PERIOD);
  });
});
