import { ConfigError } from '../../../src/errors/ConfigError';
import { DuplicateDependencyError } from '../../../src/errors/DuplicateDependencyError';
import { DependencyManager } from '../../../src/manager/DependencyManager';
import type { DependencyManagerOptions } from '../../../src/manager/DependencyManagerOptions';
import { newManager, stopAll } from './managerTestKit';

afterEach(stopAll);

const check = (): undefined => undefined;

describe('register() validation', () => {
  it.each([
    ['an empty id', { id: '' }, 'dependency.id'],
    ['an id with a space', { id: 'my db' }, 'dependency.id'],
    ['an id starting with a dot', { id: '.db' }, 'dependency.id'],
    ['an id of 65 characters', { id: 'a'.repeat(65) }, 'dependency.id'],
    ['a numeric id', { id: 42 }, 'dependency.id'],
    ['an unknown urgency', { urgency: 'CRITICAL' }, 'dependency.urgency'],
    ['a lower-case urgency', { urgency: 'required' }, 'dependency.urgency'],
    ['a negative timeout', { timeoutMs: -1 }, 'dependency.timeoutMs'],
    ['a fractional timeout', { timeoutMs: 1.5 }, 'dependency.timeoutMs'],
    ['an infinite timeout', { timeoutMs: Infinity }, 'dependency.timeoutMs'],
    ['a zero ping period', { pingPeriodMs: 0 }, 'dependency.pingPeriodMs'],
    ['a NaN ping period', { pingPeriodMs: NaN }, 'dependency.pingPeriodMs'],
    ['an unknown mode', { mode: 'cron' }, 'dependency.mode'],
    ['a toggle that is not a function', { toggle: true }, 'dependency.toggle'],
    ['a missing check', { check: undefined }, 'dependency.check'],
    ['a numeric type', { type: 7 }, 'dependency.type'],
  ])('rejects %s with a ConfigError naming the field', (_what, patch, option) => {
    const manager = newManager();
    const dep = { id: 'db', check, ...patch };
    let err: unknown;
    try {
      manager.register(dep as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'ERR_STATUSKIT_CONFIG', option });
    expect((err as Error).message).toContain(`\`${option}\` must be`);
    expect(manager.has('db')).toBe(false);
  });

  it('rejects something that is not an object', () => {
    expect(() => newManager().register(null as never)).toThrow(ConfigError);
  });

  it('rejects a duplicate id with DuplicateDependencyError and keeps the first', async () => {
    const manager = newManager();
    manager.register({ id: 'db', check: () => ({ status: 'OK' }) });
    expect(() => manager.register({ id: 'db', check: () => ({ status: 'OUTAGE' }) })).toThrow(
      DuplicateDependencyError,
    );
    expect((await manager.evaluate('db')).status).toBe('OK');
  });

  it('never mutates the registered object', () => {
    const dep = Object.freeze({ id: 'db', check });
    expect(() => newManager().register(dep)).not.toThrow();
    expect(Object.keys(dep)).toEqual(['id', 'check']);
  });

  it('accepts the longest valid id and every optional field', async () => {
    const manager = newManager();
    const id = `A${'b._-'.repeat(15)}xyz`;
    manager.register({
      id,
      description: 'd',
      urgency: 'WEAK',
      type: 'tcp',
      documentationUrl: 'https://x',
      timeoutMs: 0,
      pingPeriodMs: 1,
      mode: 'live',
      toggle: () => true,
      check,
    });
    expect(id).toHaveLength(64);
    expect((await manager.evaluate(id)).status).toBe('OK');
  });
});

describe('constructor validation', () => {
  it.each<[string, unknown, string]>([
    ['a string', 'fast', 'options'],
    ['an empty appName', { appName: '' }, 'appName'],
    ['a logger that is not pino', { logger: console }, 'logger'],
    ['a registry that is not a Registry', { registry: {} }, 'registry'],
    ['negative default timeout', { defaults: { timeoutMs: -5 } }, 'defaults.timeoutMs'],
    ['zero default ping period', { defaults: { pingPeriodMs: 0 } }, 'defaults.pingPeriodMs'],
    ['negative graceFailures', { defaults: { graceFailures: -1 } }, 'defaults.graceFailures'],
    ['fractional graceFailures', { defaults: { graceFailures: 0.5 } }, 'defaults.graceFailures'],
    ['a clock that is not a function', { now: 5 }, 'now'],
    ['negative historySize', { historySize: -1 }, 'historySize'],
    ['fractional historySize', { historySize: 2.5 }, 'historySize'],
    ['historySize over 1000', { historySize: 1001 }, 'historySize'],
    ['historySize as a string', { historySize: '20' }, 'historySize'],
  ])('rejects %s with a ConfigError naming the option', (_what, opts, option) => {
    expect(() => new DependencyManager(opts as DependencyManagerOptions)).toThrow(
      expect.objectContaining({ code: 'ERR_STATUSKIT_CONFIG', option }) as Error,
    );
  });

  it('applies the defaults: timeout 2000 ms, ping period 10 s, appName app', async () => {
    jest.useFakeTimers();
    try {
      const manager = newManager();
      expect(manager.appName).toBe('app');
      let calls = 0;
      manager.register({
        id: 'db',
        check: ({ signal }) => {
          calls++;
          return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        },
      });
      const started = manager.start();
      await jest.advanceTimersByTimeAsync(2000);
      await started;
      expect(manager.snapshot().get('db')?.message).toBe('Timed out prior to completion');
      await jest.advanceTimersByTimeAsync(9999);
      expect(calls).toBe(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(calls).toBe(2);
    } finally {
      await stopAll();
      jest.useRealTimers();
    }
  });
});
