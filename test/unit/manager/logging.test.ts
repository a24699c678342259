import { ControlledCheck } from '../../support/ControlledCheck';
import { LEVEL, logSink, type LogLine } from '../../support/logSink';
import { newManager, stopAll } from './managerTestKit';

beforeEach(() => jest.useFakeTimers());
afterEach(async () => {
  await stopAll();
  jest.useRealTimers();
});

const PERIOD = 1000;

function dependencyLines(lines: LogLine[]): LogLine[] {
  return lines.filter((l) => l.dependency !== undefined);
}

describe('manager logs', () => {
  it('logs one line per transition, never one per probe: warn when worse, info when better', async () => {
    const { logger, lines } = logSink();
    const check = new ControlledCheck({ id: 'db', urgency: 'STRONG', pingPeriodMs: PERIOD });
    const manager = newManager({ logger, defaults: { graceFailures: 0 } });
    manager.register(check.dependency);
    await manager.start(); // OK: a first OK result is not news
    await jest.advanceTimersByTimeAsync(3 * PERIOD);
    check.error = new Error('connect ECONNREFUSED redis://app:s3cret@db:6379');
    await jest.advanceTimersByTimeAsync(3 * PERIOD);
    check.error = undefined;
    check.status = 'MINOR';
    await jest.advanceTimersByTimeAsync(3 * PERIOD);
    for (let i = 0; i < 20; i++) await manager.evaluate('db');
    manager.snapshot();

    const deps = dependencyLines(lines);
    expect(deps.map((l) => [l.level, l.from, l.to])).toEqual([
      [LEVEL.warn, 'OK', 'OUTAGE'],
      [LEVEL.info, 'OUTAGE', 'MINOR'],
    ]);
    const [down, up] = deps;
    expect(down).toMatchObject({
      component: 'manager',
      dependency: 'db',
      urgency: 'STRONG',
      from: 'OK',
      to: 'OUTAGE',
      err: { type: 'Error', name: 'Error', message: 'connect ECONNREFUSED redis://***@db:6379' },
    });
    expect(down.err).toMatchObject({ stack: 'Error: connect ECONNREFUSED redis://***@db:6379' });
    expect(typeof down.durationMs).toBe('number');
    expect(up).not.toHaveProperty('err');
    expect(JSON.stringify(lines)).not.toContain('s3cret');
    expect(JSON.stringify(lines)).not.toMatch(/\n\s+at /);
  });

  it('a dependency whose first result is a failure is logged once, as a warning from null', async () => {
    const { logger, lines } = logSink();
    const check = new ControlledCheck({ id: 'db', pingPeriodMs: PERIOD });
    check.status = 'MAJOR';
    const manager = newManager({ logger });
    manager.register(check.dependency);
    await manager.start();
    await jest.advanceTimersByTimeAsync(5 * PERIOD);
    expect(dependencyLines(lines).map((l) => [l.level, l.from, l.to])).toEqual([[LEVEL.warn, null, 'MAJOR']]);
  });

  it('logs system status changes once each', async () => {
    const { logger, lines } = logSink();
    const a = new ControlledCheck({ id: 'a', pingPeriodMs: PERIOD });
    const b = new ControlledCheck({ id: 'b', pingPeriodMs: PERIOD });
    const manager = newManager({ logger, defaults: { graceFailures: 0 } });
    manager.register(a.dependency).register(b.dependency);
    await manager.start();
    a.status = 'OUTAGE';
    b.status = 'OUTAGE';
    await jest.advanceTimersByTimeAsync(3 * PERIOD);
    a.status = 'OK';
    b.status = 'OK';
    await jest.advanceTimersByTimeAsync(3 * PERIOD);
    const system = lines.filter((l) => l.dependency === undefined && l.to !== undefined);
    expect(system.map((l) => [l.level, l.from, l.to])).toEqual([
      [LEVEL.warn, 'OK', 'OUTAGE'],
      [LEVEL.info, 'OUTAGE', 'OK'],
    ]);
  });

  it('is silent by default', async () => {
    const write = jest.spyOn(process.stdout, 'write');
    const check = new ControlledCheck({ id: 'db' });
    check.status = 'OUTAGE';
    const manager = newManager();
    manager.register(check.dependency);
    await manager.start();
    expect(write).not.toHaveBeenCalled();
    write.mockRestore();
  });
});
