import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { degradation } from '../../../middleware/degradation';
import { healthRoutes } from '../../../middleware/health/healthRoutes';
import { metricsRoute } from '../../../middleware/metricsRoute';
import { requireDependency } from '../../../middleware/requireDependency';
import { shortCircuit } from '../../../middleware/shortCircuit';
import { DependencyManager } from '../../../src/manager/DependencyManager';

const manager = new DependencyManager({ registry: false });

function configError(fn: () => unknown): { option: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toMatchObject({ name: 'ConfigError', code: 'ERR_STATUSKIT_CONFIG' });
    return e as { option: string; message: string };
  }
  throw new Error('expected a ConfigError');
}

describe('healthRoutes options', () => {
  it.each([
    [{ statusCodes: { BROKEN: 503 } }, 'statusCodes'],
    [{ statusCodes: { OUTAGE: 99 } }, 'statusCodes.OUTAGE'],
    [{ statusCodes: { MAJOR: 700 } }, 'statusCodes.MAJOR'],
    [{ statusCodes: { DRAINING: 503.5 } }, 'statusCodes.DRAINING'],
    [{ statusCodes: 503 }, 'statusCodes'],
    [{ token: '' }, 'token'],
    [{ token: 'two words' }, 'token'],
    [{ privateAccess: true }, 'privateAccess'],
    [{ refreshSeconds: 0 }, 'refreshSeconds'],
    [{ appName: '' }, 'appName'],
  ])('rejects %p with a ConfigError naming %s', (opts, option) => {
    expect(configError(() => healthRoutes(manager, opts as never)).option).toBe(option);
  });

  it('never repeats a rejected token in the error message', () => {
    expect(configError(() => healthRoutes(manager, { token: 'my secret' })).message).not.toContain('secret');
  });

  it('rejects something that is not a manager', () => {
    expect(configError(() => healthRoutes({} as never)).option).toBe('manager');
  });

  it('leaves the caller’s options untouched', () => {
    const opts = Object.freeze({ statusCodes: Object.freeze({ MAJOR: 503 }) });
    expect(() => healthRoutes(manager, opts)).not.toThrow();
    expect(opts).toEqual({ statusCodes: { MAJOR: 503 } });
  });
});

describe('shortCircuit options', () => {
  it.each([
    [{ statusCode: 200 }, 'statusCode'],
    [{ statusCode: 600 }, 'statusCode'],
    [{ retryAfterSeconds: -1 }, 'retryAfterSeconds'],
    [{ retryAfterSeconds: 1.5 }, 'retryAfterSeconds'],
    [{ exclude: ['api'] }, 'exclude'],
    [{ exclude: 'api' }, 'exclude'],
    [{ failOpen: 'yes' }, 'failOpen'],
    [{ registry: {} }, 'registry'],
  ])('rejects %p with a ConfigError naming %s', (opts, option) => {
    expect(configError(() => shortCircuit(manager, opts as never)).option).toBe(option);
  });

  it('needs only systemStatus and draining from the manager', () => {
    expect(shortCircuit({ systemStatus: 'OK', draining: false }, { registry: false }).name).toBe(
      'statuskitShortCircuit',
    );
  });
});

describe('requireDependency options', () => {
  it.each([
    ['bad id!', {}, 'id'],
    ['db', { atLeast: 'FINE' }, 'atLeast'],
    ['db', { statusCode: 302 }, 'statusCode'],
    ['db', { fallback: 'page' }, 'fallback'],
  ])('rejects id %p with %p naming %s', (id, opts, option) => {
    expect(configError(() => requireDependency(manager, id, opts as never)).option).toBe(option);
  });

  it('returns a named middleware', () => {
    expect(requireDependency(manager, 'db').name).toBe('statuskitRequireDependency');
  });
});

describe('degradation and metricsRoute', () => {
  it('reject what is not a manager or a registry', () => {
    expect(configError(() => degradation({} as never)).option).toBe('manager');
    expect(configError(() => metricsRoute({} as never)).option).toBe('registry');
  });

  it('read the manager’s own statuses, so many gates add no listener', () => {
    const m = new DependencyManager({ registry: false });
    const before = (m as EventEmitter).listenerCount('checked');
    for (let i = 0; i < 20; i++) requireDependency(m, 'db');
    degradation(m);
    expect((m as EventEmitter).listenerCount('checked')).toBe(before);
  });

  it('accept a registry', () => {
    expect(() => metricsRoute(new Registry())).not.toThrow();
  });
});

describe('healthRoutes on one manager', () => {
  it('many routers add a fixed number of listeners', () => {
    const m = new DependencyManager({ registry: false });
    healthRoutes(m);
    const after1 = (m as EventEmitter).listenerCount('checked');
    for (let i = 0; i < 20; i++) healthRoutes(m);
    expect((m as EventEmitter).listenerCount('checked')).toBe(after1);
  });
});
