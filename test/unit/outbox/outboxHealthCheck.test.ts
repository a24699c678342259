import { ConfigError } from '../../../src/errors/ConfigError';
import { RedisUnavailableError } from '../../../src/errors/RedisUnavailableError';
import { outboxHealthCheck } from '../../../src/outbox/outboxHealthCheck';

const signal = new AbortController().signal;

describe('outboxHealthCheck', () => {
  it('is OK with the pending count as its observed value when manual review is empty', async () => {
    const dep = outboxHealthCheck(async () => ({ pending: 4, review: 0 }), 's:{o}');
    expect(dep).toMatchObject({ id: 'outbox', type: 'redis', description: 'Outbox on Redis stream s:{o}' });
    expect(await dep.check({ signal })).toEqual({
      status: 'OK',
      message: '4 pending',
      observedValue: 4,
      observedUnit: 'events',
    });
  });

  it('is MINOR while manual review holds events', async () => {
    const dep = outboxHealthCheck(async () => ({ pending: 0, review: 2 }), 's');
    expect(await dep.check({ signal })).toMatchObject({
      status: 'MINOR',
      message: '2 events need manual review',
    });
  });

  it('is OUTAGE with a redacted reason when Redis cannot be reached', async () => {
    const dep = outboxHealthCheck(
      () => Promise.reject(new RedisUnavailableError('connect to redis://u:pw@h:1 refused')),
      's',
    );
    expect(await dep.check({ signal })).toEqual({
      status: 'OUTAGE',
      message: 'Redis unreachable: connect to redis://***@h:1 refused',
    });
  });

  it('lets every Dependency field be overridden', () => {
    const dep = outboxHealthCheck(async () => ({ pending: 0, review: 0 }), 's', {
      id: 'orders-outbox',
      urgency: 'WEAK',
      timeoutMs: 500,
    });
    expect(dep).toMatchObject({ id: 'orders-outbox', urgency: 'WEAK', timeoutMs: 500, type: 'redis' });
  });

  it('rejects options that are not an object', () => {
    expect(() => outboxHealthCheck(async () => ({ pending: 0, review: 0 }), 's', 3 as never)).toThrow(
      ConfigError,
    );
  });
});
