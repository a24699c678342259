import { idFromHost, resolveCheckBase } from '../../../checks/shared/resolveCheckBase';
import { DEPENDENCY_ID_PATTERN } from '../../../src/dependencies/Dependency';
import { ConfigError } from '../../../src/errors/ConfigError';

describe('check options shared by every built-in check', () => {
  const identity = { id: 'redis', type: 'redis', description: 'Redis at 127.0.0.1:6379' };

  it('uses the factory’s id, type and description unless the user gives their own', () => {
    expect(resolveCheckBase({}, identity).fields).toEqual(identity);
    expect(
      resolveCheckBase({ id: 'cache', type: 'cache', description: 'the cache' }, identity).fields,
    ).toEqual({
      id: 'cache',
      type: 'cache',
      description: 'the cache',
    });
  });

  it('passes every Dependency option through, and the timeout to the check', () => {
    const toggle = (): boolean => true;
    const base = resolveCheckBase(
      {
        urgency: 'WEAK',
        documentationUrl: 'https://runbooks/redis',
        timeoutMs: 500,
        pingPeriodMs: 1000,
        mode: 'live',
        toggle,
      },
      identity,
    );
    expect(base.fields).toEqual({
      ...identity,
      urgency: 'WEAK',
      documentationUrl: 'https://runbooks/redis',
      timeoutMs: 500,
      pingPeriodMs: 1000,
      mode: 'live',
      toggle,
    });
    expect(base.timeoutMs).toBe(500);
  });

  it('bounds the check’s own I/O by the documented default of 2000 ms when no timeout is given', () => {
    expect(resolveCheckBase(undefined, identity).timeoutMs).toBe(2000);
    expect(resolveCheckBase({}, identity).fields).not.toHaveProperty('timeoutMs');
  });

  it('never mutates the caller’s options', () => {
    const opts = Object.freeze({ urgency: 'STRONG' as const });
    expect(() => resolveCheckBase(opts, identity)).not.toThrow();
  });

  it.each([
    [{ id: 'bad id!' }, 'id'],
    [{ urgency: 'CRITICAL' }, 'urgency'],
    [{ timeoutMs: -1 }, 'timeoutMs'],
    [{ timeoutMs: 1.5 }, 'timeoutMs'],
    [{ pingPeriodMs: 0 }, 'pingPeriodMs'],
    [{ mode: 'sometimes' }, 'mode'],
    [{ toggle: true }, 'toggle'],
    [{ type: 3 }, 'type'],
    [{ description: {} }, 'description'],
    ['fast', 'options'],
  ])('rejects %p with a ConfigError naming `%s`', (opts, option) => {
    let thrown: unknown;
    try {
      resolveCheckBase(opts, identity);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).option).toBe(option);
  });

  it.each([
    ['http', 'api.example.com', 'http-api.example.com'],
    ['http', 'api.example.com:8443', 'http-api.example.com-8443'],
    ['tcp', '[::1]:5432', 'tcp-1-5432'],
    ['http', 'x'.repeat(100), `http-${'x'.repeat(59)}`],
  ])('derives the id %s + %s → %s, always a valid id', (prefix, host, id) => {
    expect(idFromHost(prefix, host)).toBe(id);
    expect(idFromHost(prefix, host)).toMatch(DEPENDENCY_ID_PATTERN);
  });
});
