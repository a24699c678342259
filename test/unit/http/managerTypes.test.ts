import { DependencyManager } from '../../../src/manager/DependencyManager';
import type { DrainableManager, HealthSource, StatusSource } from '../../../middleware/HealthSource';

describe('the middleware manager views', () => {
  it('are satisfied by the real DependencyManager', () => {
    const manager = new DependencyManager({ registry: false });
    const asHealth: HealthSource = manager;
    const asStatus: StatusSource = manager;
    const asDrainable: DrainableManager = manager;
    expect([asHealth, asStatus, asDrainable].every((m) => m === manager)).toBe(true);
  });
});
