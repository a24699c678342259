import os from 'node:os';
import Redis from 'ioredis';
import { ConfigError } from '../../../src/errors/ConfigError';
import { Outbox } from '../../../src/outbox/Outbox';
import { OUTBOX_DEFAULTS, resolveOutboxOptions, type OutboxOptions } from '../../../src/outbox/OutboxOptions';

describe('Outbox options', () => {
  const redis = new Redis({ lazyConnect: true });
  const handler = async (): Promise<void> => undefined;
  afterAll(() => redis.disconnect());

  it('applies the documented defaults', () => {
    const o = resolveOutboxOptions({ redis, handler });
    expect(o).toMatchObject({
      stream: 'statuskit:outbox',
      group: 'statuskit',
      consumer: `${os.hostname()}-${process.pid}`,
      maxAttempts: 3,
      claimIdleMs: 30_000,
      commandTimeoutMs: 1000,
      blockMs: 2000,
      batchSize: 100,
      backoff: { baseMs: 500, maxMs: 10_000, jitter: 'equal' },
      dedupeTtlMs: 86_400_000,
      trimIntervalMs: 60_000,
      stopTimeoutMs: 10_000,
      handlerTimeoutMs: 30_000,
    });
    expect(OUTBOX_DEFAULTS.maxAttempts).toBe(3);
  });

  it('keys the stream under one hash tag derived from its name', () => {
    expect(new Outbox({ redis, handler, registry: false }).streamKey).toBe('statuskit:{outbox}');
    expect(new Outbox({ redis, handler, registry: false, stream: 'app:{jobs}:q' }).streamKey).toBe(
      'app:{jobs}:q',
    );
  });

  it.each<[string, Partial<OutboxOptions>, string]>([
    ['redis', { redis: {} as never }, '`redis` must be an ioredis Redis or Cluster client, got an object'],
    ['handler', { handler: 'no' as never }, '`handler` must be a function, got "no"'],
    ['stream', { stream: '' }, '`stream` must be a non-empty string, got ""'],
    ['group', { group: 3 as never }, '`group` must be a non-empty string, got 3'],
    ['consumer', { consumer: '' }, '`consumer` must be a non-empty string, got ""'],
    ['maxAttempts', { maxAttempts: 0 }, '`maxAttempts` must be an integer ≥ 1, got 0'],
    ['claimIdleMs', { claimIdleMs: 1.5 }, '`claimIdleMs` must be an integer ≥ 10, got 1.5'],
    ['commandTimeoutMs', { commandTimeoutMs: 0 }, '`commandTimeoutMs` must be an integer ≥ 1, got 0'],
    ['blockMs', { blockMs: -1 }, '`blockMs` must be an integer ≥ 1, got -1'],
    ['batchSize', { batchSize: 20_000 }, '`batchSize` must be an integer ≥ 1 ≤ 10000, got 20000'],
    ['dedupeTtlMs', { dedupeTtlMs: NaN }, '`dedupeTtlMs` must be an integer ≥ 0, got NaN'],
    ['trimIntervalMs', { trimIntervalMs: -5 }, '`trimIntervalMs` must be an integer ≥ 0, got -5'],
    ['stopTimeoutMs', { stopTimeoutMs: 0 }, '`stopTimeoutMs` must be an integer ≥ 1, got 0'],
    [
      'handlerTimeoutMs',
      { handlerTimeoutMs: 0 },
      '`handlerTimeoutMs` must be an integer ≥ 1 ≤ 2147483647, got 0',
    ],
    [
      'handlerTimeoutMs',
      { handlerTimeoutMs: 2 ** 31 },
      '`handlerTimeoutMs` must be an integer ≥ 1 ≤ 2147483647',
    ],
    ['backoff', { backoff: 5 as never }, '`backoff` must be an options object, got 5'],
    ['backoff.baseMs', { backoff: { baseMs: 0 } }, '`backoff.baseMs` must be a number ≥ 1, got 0'],
    [
      'backoff.maxMs',
      { backoff: { baseMs: 500, maxMs: 100 } },
      '`backoff.maxMs` must be ≥ backoff.baseMs (500), got 100',
    ],
    ['backoff.jitter', { backoff: { jitter: 'wild' as never } }, '`backoff.jitter` must be one of'],
    [
      'registry',
      { registry: {} as never },
      '`registry` must be a prom-client Registry or false, got an object',
    ],
    ['logger', { logger: {} as never }, '`logger` must be a pino Logger, got an object'],
  ])('rejects a bad %s with a ConfigError naming it', (option, bad, message) => {
    const build = (): unknown => new Outbox({ redis, handler, registry: false, ...bad });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(message);
    try {
      build();
    } catch (err) {
      expect((err as ConfigError).option).toBe(option);
    }
  });

  it("never mutates the caller's options", () => {
    const backoff = { baseMs: 50 };
    const opts = Object.freeze({ redis, handler, backoff: Object.freeze(backoff), registry: false as const });
    expect(resolveOutboxOptions(opts).backoff).toEqual({ baseMs: 50, maxMs: 10_000, jitter: 'equal' });
    expect(backoff).toEqual({ baseMs: 50 });
  });

  it('does no I/O at construction', () => {
    new Outbox({ redis, handler, registry: false });
    expect(redis.status).toBe('wait');
  });
});
