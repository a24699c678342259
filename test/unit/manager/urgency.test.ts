import { CheckStatus } from '../../../src/status/CheckStatus';
import { Urgency } from '../../../src/status/Urgency';
import { fixed, newManager, stopAll } from './managerTestKit';

afterEach(stopAll);

// The urgency table: a dependency's contribution to the system status.
const TABLE: Record<Urgency, Record<CheckStatus, CheckStatus>> = {
  REQUIRED: { OUTAGE: 'OUTAGE', MAJOR: 'MAJOR', MINOR: 'MINOR', OK: 'OK' },
  UNKNOWN: { OUTAGE: 'OUTAGE', MAJOR: 'MAJOR', MINOR: 'MINOR', OK: 'OK' },
  STRONG: { OUTAGE: 'MAJOR', MAJOR: 'MAJOR', MINOR: 'MINOR', OK: 'OK' },
  WEAK: { OUTAGE: 'MINOR', MAJOR: 'MINOR', MINOR: 'MINOR', OK: 'OK' },
  NONE: { OUTAGE: 'OK', MAJOR: 'OK', MINOR: 'OK', OK: 'OK' },
};

const cells = Urgency.values.flatMap((u) => CheckStatus.values.map((s) => [u, s, TABLE[u][s]] as const));

describe('the urgency table through a real manager', () => {
  it.each(cells)('a %s dependency reporting %s makes the system %s', async (urgency, status, expected) => {
    const manager = newManager();
    manager.register(fixed('dep', status, urgency));
    const set = await manager.evaluate();
    expect(set.systemStatus).toBe(expected);
    expect(manager.systemStatus).toBe(expected);
    // evaluate(id) stays raw: the urgency caps only the contribution.
    expect((await manager.evaluate('dep')).status).toBe(status);
  });

  it('a manager without dependencies is OK', async () => {
    const manager = newManager();
    expect(manager.systemStatus).toBe('OK');
    expect((await manager.evaluate()).systemStatus).toBe('OK');
    expect(manager.snapshot().results).toEqual([]);
  });

  it('the default urgency UNKNOWN behaves as REQUIRED', async () => {
    const manager = newManager();
    manager.register(fixed('db', 'OUTAGE'));
    const result = await manager.evaluate('db');
    expect(result.urgency).toBe('UNKNOWN');
    expect(manager.systemStatus).toBe('OUTAGE');
  });

  it('the system takes the worst contribution over several dependencies', async () => {
    const manager = newManager();
    manager
      .register(fixed('cache', 'OUTAGE', 'WEAK'))
      .register(fixed('search', 'OUTAGE', 'STRONG'))
      .register(fixed('ads', 'OUTAGE', 'NONE'))
      .register(fixed('db', 'MINOR', 'REQUIRED'));
    expect((await manager.evaluate()).systemStatus).toBe('MAJOR');
  });

  it('the system status does not depend on registration order', async () => {
    const deps = [
      fixed('a', 'OUTAGE', 'WEAK'),
      fixed('b', 'MAJOR', 'STRONG'),
      fixed('c', 'MINOR', 'REQUIRED'),
      fixed('d', 'OK', 'REQUIRED'),
      fixed('e', 'OUTAGE', 'NONE'),
    ];
    const orders = [deps, [...deps].reverse(), [deps[2], deps[0], deps[4], deps[1], deps[3]]];
    for (const order of orders) {
      const manager = newManager();
      for (const d of order) manager.register(d);
      const set = await manager.evaluate();
      expect(set.systemStatus).toBe('MAJOR');
      expect(set.results.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    }
  });

  it('unregistering the worst dependency lifts the system status', async () => {
    const manager = newManager();
    manager.register(fixed('db', 'OUTAGE')).register(fixed('cache', 'MINOR', 'WEAK'));
    await manager.evaluate();
    expect(manager.systemStatus).toBe('OUTAGE');
    expect(manager.unregister('db')).toBe(true);
    expect(manager.systemStatus).toBe('MINOR');
    expect(manager.snapshot().systemStatus).toBe('MINOR');
    expect(manager.snapshot().get('db')).toBeUndefined();
  });
});
