import { ConfigError } from '../../../src/errors/ConfigError';
import { RedisUnavailableError } from '../../../src/errors/RedisUnavailableError';
import { outboxHealthCheck, redisStore, type OutboxCounts } from '../../../src/outbox/outboxHealthCheck';

const signal = new AbortController().signal;
const counts = (c: Partial<OutboxCounts>) => async (): Promise<OutboxCounts> => ({
  pending: 0,
  review: 0,
  oldestAgeMs: undefined,
  ...c,
});

describe('outboxHealthCheck', () => {
  it('is OK with the pending count as its observed value while the oldest event is young', async () => {
    const dep = outboxHealthCheck(counts({ pending: 4, oldestAgeMs: 2500 }), redisStore('s:{o}'));
    expect(dep).toMatchObject({ id: 'outbox', type: 'redis', description: 'Outbox on Redis stream s:{o}' });
    expect(await dep.check({ signal })).toEqual({
      status: 'OK',
      message: '4 pending, the oldest 2.5 s old',
      observedValue: 4,
      observedUnit: 'events',
    });
    expect(await outboxHealthCheck(counts({}), redisStore('s')).check({ signal })).toMatchObject({
      status: 'OK',
      message: '0 pending',
    });
  });

  it('is MINOR while manual review holds events', async () => {
    const dep = outboxHealthCheck(counts({ review: 2 }), redisStore('s'));
    expect(await dep.check({ signal })).toEqual({
      status: 'MINOR',
      message: '2 events need manual review; 0 pending',
      observedValue: 2,
      observedUnit: 'events',
    });
  });

  it('is MINOR once the oldest unhandled event is older than maxAgeMs, MAJOR past five times that', async () => {
    const at = (oldestAgeMs: number) =>
      outboxHealthCheck(counts({ pending: 7, oldestAgeMs }), redisStore('s'), { maxAgeMs: 60_000 }).check({
        signal,
      });
    expect(await at(60_000)).toMatchObject({ status: 'OK' });
    expect(await at(61_000)).toEqual({
      status: 'MINOR',
      message: '7 pending, the oldest 61 s old (over 60 s)',
      observedValue: 7,
      observedUnit: 'events',
    });
    expect(await at(300_000)).toMatchObject({ status: 'MINOR' });
    expect(await at(301_000)).toMatchObject({
      status: 'MAJOR',
      message: '7 pending, the oldest 301 s old (over 300 s)',
    });
    const both = outboxHealthCheck(
      counts({ pending: 7, review: 1, oldestAgeMs: 400_000 }),
      redisStore('s'),
      {},
    );
    expect(await both.check({ signal })).toMatchObject({
      status: 'MAJOR',
      message: '1 event needs manual review; 7 pending, the oldest 400 s old (over 300 s)',
    });
  });

  it('is OUTAGE with a redacted reason when Redis cannot be reached', async () => {
    const dep = outboxHealthCheck(
      () => Promise.reject(new RedisUnavailableError('connect to redis://u:pw@h:1 refused')),
      redisStore('s'),
    );
    expect(await dep.check({ signal })).toEqual({
      status: 'OUTAGE',
      message: 'Redis unreachable: connect to redis://***@h:1 refused',
    });
  });

  it('lets every Dependency field be overridden', () => {
    const dep = outboxHealthCheck(counts({}), redisStore('s'), {
      id: 'orders-outbox',
      urgency: 'WEAK',
      timeoutMs: 500,
      maxAgeMs: 1000,
    });
    expect(dep).toMatchObject({ id: 'orders-outbox', urgency: 'WEAK', timeoutMs: 500, type: 'redis' });
    expect(dep).not.toHaveProperty('maxAgeMs');
  });

  it('rejects options that are not an object, and a maxAgeMs that is not a positive integer', () => {
    expect(() => outboxHealthCheck(counts({}), redisStore('s'), 3 as never)).toThrow(ConfigError);
    expect(() => outboxHealthCheck(counts({}), redisStore('s'), { maxAgeMs: 0 })).toThrow(
      '`maxAgeMs` must be an integer ≥ 1, got 0',
    );
  });
});
