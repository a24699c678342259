import { Pool } from 'pg';
import { ConfigError } from '../../../../src/errors/ConfigError';
import { PostgresOutbox } from '../../../../src/outbox/postgres/PostgresOutbox';
import {
  POSTGRES_OUTBOX_DEFAULTS,
  resolvePostgresOutboxOptions,
} from '../../../../src/outbox/postgres/PostgresOutboxOptions';

// A Pool connects lazily: constructing one opens nothing.
const pool = new Pool({ connectionString: 'postgres://u@127.0.0.1:1/db' });
const handler = async (): Promise<void> => undefined;

describe('PostgresOutbox options', () => {
  afterAll(() => pool.end());

  it('applies the documented defaults', () => {
    const o = resolvePostgresOutboxOptions({ pool, handler });
    expect(o).toMatchObject({
      ...POSTGRES_OUTBOX_DEFAULTS,
      backoff: { baseMs: 500, maxMs: 10_000, jitter: 'equal' },
    });
    expect(o.consumer).toMatch(/-\d+$/);
  });

  it.each([
    ['pool', { pool: {} }],
    ['pool', { pool: undefined }],
    ['handler', { handler: 'no' }],
    ['table', { table: 'orders; DROP TABLE users' }],
    ['table', { table: 'a.b.c' }],
    ['table', { table: '1abc' }],
    ['table', { table: 'x'.repeat(41) }],
    ['table', { table: '' }],
    ['maxAttempts', { maxAttempts: 0 }],
    ['leaseMs', { leaseMs: 1000, queryTimeoutMs: 600 }],
    ['handlerTimeoutMs', { handlerTimeoutMs: 0 }],
    ['pollMs', { pollMs: 1 }],
    ['batchSize', { batchSize: 0 }],
    ['backoff.jitter', { backoff: { jitter: 'wild' } }],
    ['consumer', { consumer: '' }],
    ['queryTimeoutMs', { queryTimeoutMs: -1 }],
    ['retainMs', { retainMs: 1.5 }],
    ['stopTimeoutMs', { stopTimeoutMs: 'soon' }],
  ])('refuses a bad %s with a ConfigError naming it', (name, bad) => {
    const make = (): unknown => new PostgresOutbox({ pool, handler, ...(bad as object) });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(new RegExp(name.replace('.', '\\.')));
  });

  it('accepts a schema-qualified table', () => {
    expect(new PostgresOutbox({ pool, handler, table: 'app.outbox_events', registry: false }).table).toBe(
      'app.outbox_events',
    );
  });
});
