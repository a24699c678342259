import { Registry } from 'prom-client';
import { ControlledCheck } from '../../support/ControlledCheck';
import { fixed, newManager, stopAll } from './managerTestKit';

afterEach(async () => {
  await stopAll();
  jest.useRealTimers();
});

async function value(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return undefined;
  const data = await metric.get();
  return data.values.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))?.value;
}

describe('manager metrics', () => {
  it('exports dependency and system status gauges (OK 0 … OUTAGE 3) and run counts', async () => {
    const registry = new Registry();
    const manager = newManager({ registry });
    manager.register(fixed('db', 'OUTAGE', 'STRONG')).register(fixed('cache', 'OK', 'WEAK'));
    await manager.evaluate();
    expect(
      await value(registry, 'statuskit_dependency_status', { dependency: 'db', urgency: 'STRONG' }),
    ).toBe(3);
    expect(
      await value(registry, 'statuskit_dependency_status', { dependency: 'cache', urgency: 'WEAK' }),
    ).toBe(0);
    expect(await value(registry, 'statuskit_system_status')).toBe(2);
    expect(await value(registry, 'statuskit_check_runs_total', { dependency: 'db', result: 'failure' })).toBe(
      1,
    );
    expect(await value(registry, 'statuskit_check_runs_total', { dependency: 'cache', result: 'ok' })).toBe(
      1,
    );
    const text = await registry.metrics();
    expect(text).toContain('statuskit_check_duration_seconds_count{dependency="db"} 1');
  });

  it('counts timeouts apart from failures', async () => {
    jest.useFakeTimers();
    const registry = new Registry();
    const hung = new ControlledCheck({ id: 'api', timeoutMs: 100, mode: 'live' });
    hung.hang = true;
    const manager = newManager({ registry });
    manager.register(hung.dependency);
    const p = manager.evaluate();
    await jest.advanceTimersByTimeAsync(100);
    await p;
    expect(
      await value(registry, 'statuskit_check_runs_total', { dependency: 'api', result: 'timeout' }),
    ).toBe(1);
  });

  it('two managers can share one registry', async () => {
    const registry = new Registry();
    const a = newManager({ registry });
    const b = newManager({ registry });
    a.register(fixed('a', 'OK'));
    b.register(fixed('b', 'MINOR'));
    await Promise.all([a.evaluate(), b.evaluate()]);
    expect(await value(registry, 'statuskit_dependency_status', { dependency: 'a' })).toBe(0);
    expect(await value(registry, 'statuskit_dependency_status', { dependency: 'b' })).toBe(1);
    expect(
      registry
        .getMetricsAsArray()
        .map((m) => m.name)
        .sort(),
    ).toEqual([
      'statuskit_check_duration_seconds',
      'statuskit_check_runs_total',
      'statuskit_dependency_status',
      'statuskit_system_status',
    ]);
  });

  it('unregister() drops the dependency’s status series', async () => {
    const registry = new Registry();
    const manager = newManager({ registry });
    manager.register(fixed('db', 'OUTAGE'));
    await manager.evaluate();
    manager.unregister('db');
    expect(await registry.metrics()).not.toMatch(/statuskit_dependency_status\{/);
    expect(await value(registry, 'statuskit_system_status')).toBe(0);
  });

  it('registry: false creates no metric anywhere', async () => {
    const globalRegistry = (await import('prom-client')).register;
    const before = globalRegistry.getMetricsAsArray().length;
    const manager = newManager({ registry: false });
    manager.register(fixed('db', 'OUTAGE'));
    await manager.evaluate();
    expect(globalRegistry.getMetricsAsArray()).toHaveLength(before);
    expect(globalRegistry.getSingleMetric('statuskit_dependency_status')).toBeUndefined();
  });
});
